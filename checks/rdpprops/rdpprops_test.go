package rdpprops

import (
	"encoding/json"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"", `{}`},
		{"redirectclipboard:i:0;drivestoredirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0", `{"drivestoredirect":"","redirectclipboard":"0","redirectprinters":"0","usbdevicestoredirect":""}`},
		{" RedirectClipboard : i : 1 ;;", `{"redirectclipboard":"1"}`},
		{"redirectclipboard:i:1;redirectclipboard:i:0", `{"redirectclipboard":"0"}`},
		{"drivestoredirect:s:C:;D:;usbdevicestoredirect:s:*;-{guid}", `{"drivestoredirect":"C:;D:","usbdevicestoredirect":"*;-{guid}"}`},
		{"garbage;audiomode:x:1", `{}`},
	} {
		b, err := json.Marshal(Parse(tc.raw))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.raw, b, tc.want)
		}
	}
}
