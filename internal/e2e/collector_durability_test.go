package e2e

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCollectorDurability: the collector runs the documented YAML (docs/collector.md "YAML
// example", read from the page itself, with only addresses and directories overlaid: see
// useDocsConfig). With the dev platform down, every capture is posted; once the exporter
// is retrying from its persistent queue the collector is SIGKILLed, restarted on the same
// queue directory, and the platform started: every span arrives exactly once.
func TestCollectorDurability(t *testing.T) {
	skipShort(t, "durability test restarts processes; skipped with -short")
	b, files, want := needCaptureRun(t)

	platformAddr := freeAddr(t) // nothing listens here yet
	cenv := newCollectorEnv(t, "http://"+platformAddr, "")
	useDocsConfig(t, b.root, &cenv)
	col := startCollector(t, b, &cenv)
	postCaptures(t, cenv.httpAddr, files)
	// The exporter fails to dial and retries, with the batch held in the file_storage queue.
	waitFor(t, "the exporter to retry against the unreachable platform", 30*time.Second, col, func() bool {
		return strings.Contains(col.log(), "Exporting failed. Will retry the request after interval.")
	})
	if strings.Contains(col.log(), "Dropping data") {
		t.Fatalf("the collector dropped data while the platform was down:\n%s", tail(col.log(), 40))
	}
	col.stop(syscall.SIGKILL)

	// Restart on the same queue directory (new ports are fine), then bring the platform up.
	cenv2 := cenv
	cenv2.grpcAddr, cenv2.httpAddr = freeAddr(t), freeAddr(t)
	col2 := startCollector(t, b, &cenv2)
	dev := startDevserver(t, b, platformAddr, filepath.Join(t.TempDir(), "dev.db"), "")

	got, total := waitStored(t, platformAddr, want, 90*time.Second, col2)
	if total != len(want) || len(got) != len(want) {
		t.Fatalf("after the restart the platform holds %d events (%d distinct), want exactly %d", total, len(got), len(want))
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("event %s lost across the SIGKILL", k)
		}
	}
	// Exactly once on the wire too: the platform's per-batch log lines (`accepted=n`) add
	// up to the number of events; nothing was sent twice after the restart.
	time.Sleep(time.Second) // let a duplicate, if any, arrive
	accepted := 0
	for _, m := range regexp.MustCompile(`accepted=(\d+)`).FindAllStringSubmatch(dev.log(), -1) {
		n, _ := strconv.Atoi(m[1])
		accepted += n
	}
	t.Logf("%d events stored, %d accepted over the wire after the restart", len(got), accepted)
	if accepted != len(want) {
		t.Errorf("the platform accepted %d events over the wire, want exactly %d (devserver log:\n%s)", accepted, len(want), tail(dev.log(), 20))
	}
}
