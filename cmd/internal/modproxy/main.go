// Command modproxy writes the repository's library modules, at one version, as a Go module
// proxy on disk (the GOPROXY protocol's files: list, .info, .mod and .zip per module), so that
// scripts/release-check.sh can build every library module — and a user's module outside the
// repository — against exactly what a release would tag, with no replace directive in play.
//
//	go run ./internal/modproxy -out DIR -version v0.1.0 -repo .. . internal/pdataview collectorexporter …
//
// Each argument is a module directory relative to -repo; the zips are made by
// golang.org/x/mod/zip (nested modules, vendor and VCS directories left out, as the go
// command and the public proxy do).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	out := flag.String("out", "", "directory to write the proxy into (GOPROXY=file://DIR)")
	version := flag.String("version", "v0.1.0", "the version every module is written at")
	repo := flag.String("repo", ".", "the repository root")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: modproxy -out DIR [-version v0.1.0] [-repo DIR] moduledir...")
		os.Exit(2)
	}
	for _, dir := range flag.Args() {
		if err := write(*out, *version, filepath.Join(*repo, dir)); err != nil {
			fmt.Fprintln(os.Stderr, "modproxy:", err)
			os.Exit(1)
		}
	}
}

// write adds the module in dir at version to the proxy in out.
func write(out, version, dir string) error {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	path := modfile.ModulePath(gomod)
	if path == "" {
		return fmt.Errorf("%s/go.mod: no module line", dir)
	}
	esc, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	at := filepath.Join(out, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return err
	}
	mv := module.Version{Path: path, Version: version}
	f, err := os.Create(filepath.Join(at, version+".zip"))
	if err != nil {
		return err
	}
	if err := zip.CreateFromDir(f, mv, dir); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	info, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, time.Now().UTC().Truncate(time.Second)})
	for name, b := range map[string][]byte{version + ".mod": gomod, version + ".info": info, "list": []byte(version + "\n")} {
		if err := os.WriteFile(filepath.Join(at, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("modproxy: %s@%s\n", path, version)
	return nil
}
