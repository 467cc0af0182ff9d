package sai

import (
	"testing"
)

// FuzzParseKey: the ASIC_DB key parser never panics, and what it accepts
// renders back to a key that parses to the same object.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{
		`SAI_OBJECT_TYPE_MY_MAC:oid:0x61000000000005`,
		`SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"10.0.0.0/24","switch_id":"oid:0x21000000000000","vr":"oid:0x3000000000001"}`,
		`SAI_OBJECT_TYPE_FDB_ENTRY:{"bvid":"oid:0x26000000000001","mac":"00:11:22:33:44:55","switch_id":"oid:0x21000000000000"}`,
		`SAI_OBJECT_TYPE_NEIGHBOR_ENTRY:{"ip":"fc00::1","rif":"oid:0x6000000000007","switch_id":"oid:0x21000000000000"}`,
		`SAI_OBJECT_TYPE_X:`, `:`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			return
		}
		out, err := FormatKey(k)
		if err != nil {
			t.Fatalf("accepted %q but cannot format it: %v", s, err)
		}
		k2, err := ParseKey(out)
		if err != nil {
			t.Fatalf("formatted %q does not parse: %v", out, err)
		}
		out2, _ := FormatKey(k2)
		if out2 != out {
			t.Fatalf("not stable: %q → %q → %q", s, out, out2)
		}
	})
}

// FuzzParseAttr: every attribute of every object; accepted values are
// stable under format/parse.
func FuzzParseAttr(f *testing.F) {
	f.Add(uint16(0), "00:01:E8:00:00:0C")
	f.Add(uint16(5), "4:0,1,2,3")
	f.Add(uint16(9), "2:oid:0x1,oid:0x2")
	f.Add(uint16(30), "fc00::1")
	f.Add(uint16(40), "SAI_PACKET_ACTION_TRAP")
	var all []*AttrMeta
	for _, o := range Objects() {
		all = append(all, o.Attrs...)
	}
	f.Fuzz(func(t *testing.T, idx uint16, value string) {
		m := all[int(idx)%len(all)]
		a, err := ParseAttr(m.Object, m.Name, value)
		if err != nil {
			return
		}
		_, v, err := FormatAttr(a)
		if err != nil {
			t.Fatalf("%s: accepted %q but cannot format: %v", m.Name, value, err)
		}
		a2, err := ParseAttr(m.Object, m.Name, v)
		if err != nil {
			t.Fatalf("%s: formatted %q does not parse: %v", m.Name, v, err)
		}
		if _, v2, _ := FormatAttr(a2); v2 != v {
			t.Fatalf("%s: not stable %q → %q → %q", m.Name, value, v, v2)
		}
	})
}
