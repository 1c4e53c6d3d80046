package main

import (
	"runtime/debug"
	"strings"
)

// versionString describes the build from runtime/debug.ReadBuildInfo: the command, the
// main module's version ("(devel)" for a build inside the repository, vX.Y.Z for
// `go install …@vX.Y.Z`), the VCS revision, its commit time and "modified" when the work
// tree had changes (present when built by `go build` in a git checkout), and the Go
// version. Example:
//
//	llmtrace-devserver (devel) revision 84d1868c… 2026-03-01T12:00:00Z modified go1.24.1
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "llmtrace-devserver (no build information)"
	}
	return formatVersion(bi)
}

func formatVersion(bi *debug.BuildInfo) string {
	parts := []string{"llmtrace-devserver"}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	parts = append(parts, v)
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		parts = append(parts, "revision", rev)
	}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	if bi.GoVersion != "" {
		parts = append(parts, bi.GoVersion)
	}
	return strings.Join(parts, " ")
}
