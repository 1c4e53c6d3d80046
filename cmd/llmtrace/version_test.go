package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// The built binary reports what the Go toolchain stamped into it: `llmtrace version`
// agrees line by line with `go version -m` on the same file (module version, VCS revision
// and time, toolchain, platform), and a stamped revision is this checkout's HEAD. (Go
// stamps no VCS information in a git worktree, whose .git is a file: there the commit
// lines are absent on both sides.)
func TestVersionOfTheBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command (-short)")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin := filepath.Join(t.TempDir(), "llmtrace")
	// -buildvcs=true: stamp the VCS state even where GOFLAGS turns it off.
	if out, err := exec.Command(goTool, "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("llmtrace version: %v", err)
	}
	m, err := exec.Command(goTool, "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	stamped := map[string]string{}
	for _, line := range strings.Split(string(m), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod":
			stamped["mod"] = f[2]
		case len(f) == 2 && f[0] == "build":
			if k, v, ok := strings.Cut(f[1], "="); ok {
				stamped[k] = v
			}
		}
	}
	want := "llmtrace " + stamped["mod"] + "\n" + "platform " + platform.Version + "\n"
	if rev := stamped["vcs.revision"]; rev != "" {
		if rev != strings.TrimSpace(string(head)) {
			t.Fatalf("go version -m reports revision %q, HEAD is %s", rev, head)
		}
		if stamped["vcs.modified"] == "true" {
			rev += " modified"
		}
		want += "commit " + rev + "\n" + "commit time " + stamped["vcs.time"] + "\n"
	} else {
		t.Log("no VCS stamp in the build (git worktree?): the commit lines are not compared")
	}
	want += "go " + runtime.Version() + " " + stamped["GOOS"] + "/" + stamped["GOARCH"] + "\n"
	if string(got) != want {
		t.Errorf("llmtrace version printed\n%s\nwant (from go version -m)\n%s", got, want)
	}
}

// Build information as the toolchain records it (debug.ParseBuildInfo reads the text form
// `go version -m` prints): a release install, a modified checkout, a build without VCS
// stamp, and a binary without build information.
func TestVersionText(t *testing.T) {
	for _, tc := range []struct{ name, info, want string }{
		{"release", "go\tgo1.26.0\npath\tgithub.com/llmtrace/llmtrace/cmd/llmtrace\nmod\tgithub.com/llmtrace/llmtrace\tv0.1.0\th1:abc=\n" +
			"build\tGOARCH=arm64\nbuild\tGOOS=darwin\n",
			"llmtrace v0.1.0\nplatform " + platform.Version + "\ngo go1.26.0 darwin/arm64\n"},
		{"checkout", "go\tgo1.26.0\npath\tgithub.com/llmtrace/llmtrace/cmd/llmtrace\nmod\tgithub.com/llmtrace/llmtrace\t(devel)\t\n" +
			"build\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tvcs=git\nbuild\tvcs.revision=2e88284f\nbuild\tvcs.time=2026-01-02T03:04:05Z\nbuild\tvcs.modified=true\n",
			"llmtrace (devel)\nplatform " + platform.Version + "\ncommit 2e88284f modified\ncommit time 2026-01-02T03:04:05Z\ngo go1.26.0 linux/amd64\n"},
	} {
		info, err := debug.ParseBuildInfo(tc.info)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		info.GoVersion = "go1.26.0" // ParseBuildInfo leaves it to the binary's header
		if got := versionText(info); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
	if got, want := versionText(nil), "llmtrace (unknown)\nplatform "+platform.Version+"\n"; got != want {
		t.Errorf("no build info: got %q, want %q", got, want)
	}
}

// `llmtrace version` (and --version) exits 0 with the version on stdout; an argument is
// bad usage.
func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		out, stderr, code := runArgs(args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(out, "llmtrace ") || !strings.Contains(out, "\nplatform "+platform.Version+"\n") {
			t.Errorf("%q: exit %d stdout %q stderr %q", args, code, out, stderr)
		}
	}
	if out, stderr, code := runArgs("version", "extra"); code != 2 || out != "" || !strings.Contains(stderr, "takes no arguments") {
		t.Errorf("version extra: exit %d stdout %q stderr %q", code, out, stderr)
	}
	if out, _, code := runArgs("help", "version"); code != 0 || !strings.Contains(out, "Usage: llmtrace version") {
		t.Errorf("help version: exit %d %q", code, out)
	}
}
