package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
)

const versionUsage = `Usage: llmtrace version

Prints the version of this llmtrace binary, from its build information:

  llmtrace <module version>      the main module's version: vX.Y.Z when installed with
                                 go install …@vX.Y.Z, (devel) when built from a checkout
  platform <platform.Version>    the release the platform client reports in its User-Agent
  commit <vcs.revision> [modified]
  commit time <vcs.time>         the VCS stamp, when the build recorded one
  go <version> <os>/<arch>       the toolchain that built it
`

// versionCommand is `llmtrace version`.
func versionCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, versionUsage)
		return exitOK
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "llmtrace version: takes no arguments, got %q\n\n%s", args, versionUsage)
		return exitUsage
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	fmt.Fprint(stdout, versionText(info))
	return exitOK
}

// versionText renders the lines of `llmtrace version` from a binary's build information
// (nil: a binary built without module support, which has none).
func versionText(info *debug.BuildInfo) string {
	var b strings.Builder
	mainVersion, goVersion := "(unknown)", ""
	settings := map[string]string{}
	if info != nil {
		if info.Main.Version != "" {
			mainVersion = info.Main.Version
		}
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	fmt.Fprintf(&b, "llmtrace %s\n", mainVersion)
	fmt.Fprintf(&b, "platform %s\n", platform.Version)
	if rev := settings["vcs.revision"]; rev != "" {
		if settings["vcs.modified"] == "true" {
			rev += " modified"
		}
		fmt.Fprintf(&b, "commit %s\n", rev)
	}
	if t := settings["vcs.time"]; t != "" {
		fmt.Fprintf(&b, "commit time %s\n", t)
	}
	if goVersion != "" {
		osArch := settings["GOOS"] + "/" + settings["GOARCH"]
		if osArch == "/" {
			osArch = ""
		}
		fmt.Fprintln(&b, strings.TrimSpace("go "+goVersion+" "+osArch))
	}
	return b.String()
}
