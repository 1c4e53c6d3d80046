package mapping

import (
	"fmt"
	"sync"
	"testing"
	"unsafe"
)

// A recurring value is interned from its second sighting on: later boxes share one
// allocation and keep the dynamic type (string, int64, float64) a fresh box has.
func TestBoxCacheInternsRecurringValues(t *testing.T) {
	b := newBoxCache()
	src := []byte("gpt-4o-mini")
	s := string(src)
	first, second, third := b.str(s), b.str(s), b.str(s)
	if first != s || second != s || third != s {
		t.Fatalf("boxes %v %v %v", first, second, third)
	}
	if dataPtr(second) != dataPtr(third) {
		t.Error("the third sighting did not reuse the interned box")
	}
	if p := unsafe.StringData(second.(string)); p == unsafe.StringData(s) {
		t.Error("the interned string shares the span's bytes (must be a copy)")
	}
	src[0] = 'X' // the span's buffer reused: the interned value is unchanged
	if b.str("gpt-4o-mini") != "gpt-4o-mini" || third != "gpt-4o-mini" {
		t.Error("interned value changed with its source")
	}
	for _, v := range []any{b.int(443), b.int(443), b.int(443)} {
		if x, ok := v.(int64); !ok || x != 443 {
			t.Errorf("int box %T %v", v, v)
		}
	}
	if dataPtr(b.int(443)) != dataPtr(b.int(443)) {
		t.Error("443 not interned")
	}
	for _, v := range []any{b.float(0.2), b.float(0.2), b.float(0.2)} {
		if x, ok := v.(float64); !ok || x != 0.2 {
			t.Errorf("float box %T %v", v, v)
		}
	}
	if b.int(-3) != int64(-3) || b.int(7) != int64(7) || b.str("") != "" {
		t.Error("small ints / empty string")
	}
	long := string(make([]byte, maxInternBytes+1))
	b.str(long)
	if b.str(long) != long {
		t.Error("long string")
	}
}

// Values that never repeat are never admitted: they neither evict an interned value of
// their slot nor allocate an entry.
func TestBoxCacheUniqueValuesDoNotEvict(t *testing.T) {
	b := newBoxCache()
	b.str("support-agent")
	kept := b.str("support-agent")
	for i := 0; i < 100*boxSlots; i++ {
		b.str(fmt.Sprintf("chatcmpl-%d", i))
	}
	if dataPtr(b.str("support-agent")) != dataPtr(kept) {
		t.Error("a recurring value was evicted by unique ones")
	}
	n := 0
	for i := range b.slots {
		if e := b.slots[i].Load(); e != nil {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
}

// Concurrent Map calls share the cache (run with -race).
func TestBoxCacheConcurrent(t *testing.T) {
	b := newBoxCache()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				k := fmt.Sprint("v", i%50)
				if v := b.str(k); v != k {
					t.Errorf("%v != %v", v, k)
					return
				}
				if v := b.int(int64(1000 + i%50)); v != int64(1000+i%50) {
					t.Errorf("%v", v)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// dataPtr returns the data word of an interface: equal for two boxes of one allocation.
func dataPtr(v any) unsafe.Pointer { return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1] }

// memo gives f(s) every time and calls f no more once s is admitted; what it keeps shares
// no bytes with the argument (ThreadUUID of a lower-case UUID v7 returns it as it is).
func TestBoxCacheMemo(t *testing.T) {
	b := newBoxCache()
	calls := 0
	f := func(s string) string { calls++; return ThreadUUID(s) }
	for i := 0; i < 5; i++ {
		if got := b.memo("conv-42", f); got != ThreadUUID("conv-42") {
			t.Fatalf("memo %q, want %q", got, ThreadUUID("conv-42"))
		}
	}
	if calls != 2 {
		t.Errorf("f called %d times, want 2 (until the second sighting)", calls)
	}
	v7 := []byte("01890a5d-ac96-774b-bcce-b302099a8057")
	b.memo(string(v7), ThreadUUID)
	kept := b.memo(string(v7), ThreadUUID)
	v7[0] = 'f'
	if got := b.memo("01890a5d-ac96-774b-bcce-b302099a8057", ThreadUUID); got != "01890a5d-ac96-774b-bcce-b302099a8057" || kept != got {
		t.Errorf("memo of a UUID v7 conversation: %q (kept %q)", got, kept)
	}
}
