package jsonesc
import ("unicode/utf8";"testing";"github.com/go-json-experiment/json/jsontext")
func oldAppendStringBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && plainASCII8(Load8(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}
func BenchmarkZZOld(b *testing.B) {
	for name, s := range benchStrings() {
		b.Run(name+"/old", func(b *testing.B) { var dst []byte; b.SetBytes(int64(len(s))); for b.Loop() { dst = oldAppendStringBody(dst[:0], s) } })
		b.Run(name+"/new", func(b *testing.B) { var dst []byte; b.SetBytes(int64(len(s))); for b.Loop() { dst = AppendStringBody(dst[:0], s) } })
		b.Run(name+"/AppendQuote", func(b *testing.B) { var dst []byte; b.SetBytes(int64(len(s))); for b.Loop() { dst, _ = jsontext.AppendQuote(dst[:0], s) } })
	}
}
