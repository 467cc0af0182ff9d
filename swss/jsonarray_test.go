package swss_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vltgw/vltgw/swss"
)

// FuzzDecodeFieldArray: whatever the input, DecodeFieldArray (with its
// fast path for plain arrays) gives what encoding/json gives, and an
// encoded array decodes back to its fields.
func FuzzDecodeFieldArray(f *testing.F) {
	for _, s := range []string{
		`[]`, `{}`, `["a","b"]`, `["a","b","c","d"]`, `["a"]`, `[ "a","b"]`, `["a" ,"b"]`, `["a","b",]`,
		`["a\"","b"]`, `["a\\","b"]`, `["\u00e9","x"]`, `["é","ü"]`, "[\"\xff\",\"b\"]", "[\"a\x01\",\"b\"]",
		`["a",1]`, `[`, `]`, `["a","b"`, `"a","b"]`, `[""]`, `["",""]`, `["a""b"]`, `["a",,"b"]`, `[null,"a"]`,
		`["SAI_VLAN_ATTR_VLAN_ID","10","SAI_OBJECT_TYPE_VLAN:oid:0x26000000000001","NULL"]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := swss.DecodeFieldArray(s)
		if s == "{}" {
			if got != nil || err != nil {
				t.Fatalf("{} = %v, %v", got, err)
			}
			return
		}
		var flat []string
		jerr := json.Unmarshal([]byte(s), &flat)
		if jerr != nil || len(flat)%2 != 0 {
			if err == nil {
				t.Fatalf("%q: decoded %v; encoding/json: %v, %d elements", s, got, jerr, len(flat))
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v; encoding/json gives %q", s, err, flat)
		}
		want := swss.FieldValues{}
		for i := 0; i < len(flat); i += 2 {
			want = append(want, swss.FieldValue{Field: flat[i], Value: flat[i+1]})
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: decoded %q, encoding/json gives %q", s, got, want)
		}
		enc, err := swss.EncodeFieldArray(got)
		if err != nil {
			t.Fatal(err)
		}
		back, err := swss.DecodeFieldArray(enc)
		if err != nil || len(back) != len(got) || (len(got) > 0 && !reflect.DeepEqual(back, got)) {
			t.Fatalf("%q: re-encoded %q decodes to %q, %v", s, enc, back, err)
		}
	})
}
