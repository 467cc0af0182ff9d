package syncd

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecodeStringArray(t *testing.T) {
	for _, in := range [][]string{{}, {"a", "b"}, {"x\"y", "\\", "é", "line\nbreak"}, {"", "SAI_X=1|SAI_Y=oid:0x1"}} {
		b, _ := json.Marshal(in)
		got, err := decodeStringArray(string(b))
		if err != nil || (len(in) > 0 && !reflect.DeepEqual(got, in)) || (len(in) == 0 && len(got) != 0) {
			t.Errorf("%s: %q %v", b, got, err)
		}
	}
	for _, bad := range []string{"", "[", `["a",]`, `["a" "b"]`, `[1]`, `{"a":"b"}`} {
		if _, err := decodeStringArray(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
