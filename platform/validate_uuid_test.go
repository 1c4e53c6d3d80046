package platform

import "testing"

// isUUIDv7Ref is IsUUIDv7 written plainly, position by position.
func isUUIDv7Ref(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return s[14] == '7' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b' || s[19] == 'A' || s[19] == 'B')
}

// Every byte value at every position of a valid UUID v7 is judged as the plain definition
// judges it (IsUUIDv7 reads the hex digits through a table).
func TestIsUUIDv7EveryByte(t *testing.T) {
	for _, base := range []string{"019505a0-b7c2-7000-8000-000000000001", "FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF"} {
		if !IsUUIDv7(base) {
			t.Fatalf("%s not valid", base)
		}
		for i := 0; i < len(base); i++ {
			for c := 0; c < 256; c++ {
				b := []byte(base)
				b[i] = byte(c)
				if got, want := IsUUIDv7(string(b)), isUUIDv7Ref(string(b)); got != want {
					t.Fatalf("IsUUIDv7(%q) = %v, want %v", b, got, want)
				}
			}
		}
		for _, s := range []string{base[:35], base + "0", ""} {
			if IsUUIDv7(s) {
				t.Errorf("IsUUIDv7(%q) true", s)
			}
		}
	}
}
