package lldp

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// goldenC is node C (spec §8) advertising its own and its VLT peer D's MAC on
// Ethernet8, TTL 120, written out by hand from 802.1AB and spec §5.
const goldenC = `
0180c200000e 0001e800000c 88cc
0207 04 0001e800000c
040a 05 45746865726e657438
0602 0078
0a01 43
fe10 0001e8 01 0001e800000c 0001e800000d
0000`

// goldenShutdown is C's shutdown LLDPDU on Ethernet8: mandatory TLVs, TTL 0,
// End, 19 octets of zero padding up to the 60-octet Ethernet minimum.
const goldenShutdown = `
0180c200000e 0001e800000c 88cc
0207 04 0001e800000c
040a 05 45746865726e657438
0602 0000
0000
00000000000000000000 000000000000000000`

func TestEncodeGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		pdu  PDU
		want string
	}{
		{"C advertising C and D", PDU{Src: macC, ChassisID: ChassisMAC(macC), PortID: PortName("Ethernet8"), TTL: 120, SystemName: "C", MACs: []MAC{macC, macD}}, goldenC},
		{"C shutdown", PDU{Src: macC, ChassisID: ChassisMAC(macC), PortID: PortName("Ethernet8")}, goldenShutdown},
	} {
		got, err := Encode(&tc.pdu)
		if err != nil {
			t.Fatalf("%s: Encode: %v", tc.name, err)
		}
		if want := unhex(t, tc.want); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", tc.name, got, want)
		}
	}
}

func TestDecodeGolden(t *testing.T) {
	got, err := Decode(unhex(t, goldenC))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := PDU{Src: macC, ChassisID: ChassisMAC(macC), PortID: PortName("Ethernet8"), TTL: 120, SystemName: "C", MACs: []MAC{macC, macD}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got.ChassisID.String() != "00:01:e8:00:00:0c" || got.PortID.String() != "Ethernet8" {
		t.Errorf("IDs render as %q / %q", got.ChassisID, got.PortID)
	}
	sd, err := Decode(unhex(t, goldenShutdown))
	if err != nil || sd.TTL != 0 || sd.MACs != nil || sd.SystemName != "" {
		t.Errorf("shutdown: %+v, %v", sd, err)
	}
}

func TestRoundTrip(t *testing.T) {
	sixteen := make([]MAC, 16)
	for i := range sixteen {
		sixteen[i] = seqMAC(i + 1)
	}
	for _, p := range []PDU{
		{Src: macD1, ChassisID: ChassisMAC(macD1), PortID: PortName("Ethernet12"), TTL: 65535, SystemName: "D1", MACs: []MAC{macD1}},
		{Src: macC1, ChassisID: ChassisMAC(macC1), PortID: PortName("Ethernet8"), TTL: 7200, MACs: sixteen},
		{Src: macC1, ChassisID: ChassisID{Subtype: ChassisSubtypeLocal, ID: "chassis-1"}, PortID: PortID{Subtype: PortSubtypeMAC, ID: string(macC1[:])}, TTL: 30, SystemName: strings.Repeat("n", 255)},
		{Src: macC1, ChassisID: ChassisID{Subtype: ChassisSubtypeNetworkAddr, ID: "\x01\x0a\x00\x00\x04"}, PortID: PortID{Subtype: 1, ID: strings.Repeat("\xff", 255)}, TTL: 1},
	} {
		f, err := Encode(&p)
		if err != nil {
			t.Fatalf("Encode(%+v): %v", p, err)
		}
		if len(f) < minFrameLen {
			t.Errorf("frame of %d octets, want >= %d", len(f), minFrameLen)
		}
		got, err := Decode(f)
		if err != nil {
			t.Fatalf("Decode(Encode(%+v)): %v", p, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
		}
	}
}

func TestIDString(t *testing.T) {
	for _, tc := range []struct {
		id   interface{ String() string }
		want string
	}{
		{ChassisID{ChassisSubtypeNetworkAddr, "\x01\x0a\x00\x00\x04"}, "10.0.0.4"},
		{PortID{PortSubtypeNetworkAddr, "\x02" + strings.Repeat("\x00", 15) + "\x01"}, "::1"},
		{ChassisID{ChassisSubtypeLocal, "\x00\xff"}, "00:ff"},
		{PortID{PortSubtypeMAC, string(macD[:])}, "00:01:e8:00:00:0d"},
	} {
		if got := tc.id.String(); got != tc.want {
			t.Errorf("%#v: %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestDecodeToleratesOtherTLVs(t *testing.T) {
	f := ethLLDP(macC1, chassisTLV(macC1), portTLV("Ethernet8"), ttlTLV(120),
		tlv(tlvPortDesc, []byte("to C")),
		tlv(tlvSystemName, []byte("C1")),
		tlv(tlvSystemName, []byte("second name is ignored")),
		tlv(tlvSystemCaps, []byte{0, 0x14, 0, 0x14}),
		tlv(tlvMgmtAddress, []byte{5, 1, 10, 0, 0, 4, 2, 0, 0, 0, 1, 0}),
		tlv(tlvOrgSpecific, []byte{0x00, 0x12, 0x0f, 0x01, 0x03, 0x6c, 0x00, 0x00, 0x10}), // 802.3 MAC/PHY
		tlv(tlvOrgSpecific, []byte{0x00, 0x01, 0xE8, 0x02, 0xde, 0xad}),                   // our OUI, other subtype
		tlv(tlvOrgSpecific, []byte{0x00, 0x01, 0xE8}[:3:3]),                               // placeholder, replaced below
		tlv(42, []byte("reserved type")),
		pgTLV(macC1, macD1),
		endTLV(),
		[]byte("trailing garbage after End is padding"))
	// drop the placeholder (an org TLV of 3 octets would be malformed)
	f = bytes.Replace(f, tlv(tlvOrgSpecific, []byte{0x00, 0x01, 0xE8}), nil, 1)
	p, err := Decode(f)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if p.SystemName != "C1" || !reflect.DeepEqual(p.MACs, []MAC{macC1, macD1}) || p.TTL != 120 {
		t.Errorf("got %+v", p)
	}
}

func TestDecodeSkipsUnusableMACs(t *testing.T) {
	bcast := MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	mcast := MAC{0x01, 0x00, 0x5e, 0, 0, 1}
	f := ethLLDP(macC1, chassisTLV(macC1), portTLV("Ethernet8"), ttlTLV(120), pgTLV(MAC{}, macC1, bcast, mcast, macD1), endTLV())
	p, err := Decode(f)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !reflect.DeepEqual(p.MACs, []MAC{macC1, macD1}) || p.SkippedMACs != 3 {
		t.Errorf("MACs %v skipped %d, want [C1 D1] and 3", p.MACs, p.SkippedMACs)
	}
	// a TLV whose MACs are all unusable is well formed: no MACs, all counted
	p, err = Decode(ethLLDP(macC1, chassisTLV(macC1), portTLV("Ethernet8"), ttlTLV(120), pgTLV(MAC{}), endTLV()))
	if err != nil || len(p.MACs) != 0 || p.SkippedMACs != 1 {
		t.Errorf("all-unusable TLV: %+v, %v", p, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	ch, po, tt, end := chassisTLV(macC1), portTLV("Ethernet8"), ttlTLV(120), endTLV()
	seventeen := make([]MAC, 17)
	for i := range seventeen {
		seventeen[i] = seqMAC(i + 1)
	}
	tagged := ethLLDP(macC1, ch, po, tt, end)
	tagged = append(tagged[:12:12], append([]byte{0x81, 0x00, 0x00, 0x0a}, tagged[12:]...)...)
	multicastSrc := ethLLDP(macC1, ch, po, tt, end)
	multicastSrc[6] |= 1
	badDst := ethLLDP(macC1, ch, po, tt, end)
	badDst[5] = 0x0f

	for _, tc := range []struct {
		name    string
		frame   []byte
		kind    error
		offset  int
		tlvType int
		reason  string
	}{
		{"empty", nil, ErrNotLLDP, 0, noTLV, "shorter than an Ethernet header"},
		{"short header", make([]byte, 13), ErrNotLLDP, 0, noTLV, "shorter"},
		{"other destination", badDst, ErrNotLLDP, 0, noTLV, "not an LLDP group address"},
		{"VLAN tagged", tagged, ErrNotLLDP, 12, noTLV, "EtherType 0x8100"},
		{"multicast source", multicastSrc, ErrMalformed, 6, noTLV, "source MAC"},
		{"no TLVs", ethLLDP(macC1), ErrMalformed, 14, noTLV, "without an End TLV"},
		{"no End", ethLLDP(macC1, ch, po, tt), ErrMalformed, 14 + 9 + 12 + 4, noTLV, "without an End TLV"},
		{"odd octet after TTL", ethLLDP(macC1, ch, po, tt, []byte{0}), ErrMalformed, 39, noTLV, "without an End TLV"},
		{"port first", ethLLDP(macC1, po, ch, tt, end), ErrMalformed, 14, tlvPortID, "must be Chassis ID"},
		{"TTL before port", ethLLDP(macC1, ch, tt, po, end), ErrMalformed, 23, tlvTTL, "must be Port ID"},
		{"missing TTL", ethLLDP(macC1, ch, po, end), ErrMalformed, 35, tlvEnd, "must be TTL"},
		{"End first", ethLLDP(macC1, end), ErrMalformed, 14, tlvEnd, "must be Chassis ID"},
		{"second chassis", ethLLDP(macC1, ch, po, tt, ch, end), ErrMalformed, 39, tlvChassisID, "repeated mandatory"},
		{"second TTL", ethLLDP(macC1, ch, po, tt, pgTLV(macC1), tt, end), ErrMalformed, 51, tlvTTL, "repeated mandatory"},
		{"length past the frame", ethLLDP(macC1, ch, po, rawTLV(tlvTTL, 40, []byte{0, 1})), ErrMalformed, 35, tlvTTL, "exceeds"},
		{"TTL of 3 octets", ethLLDP(macC1, ch, po, tlv(tlvTTL, []byte{0, 1, 2}), end), ErrMalformed, 35, tlvTTL, "2 octets"},
		{"End with length", ethLLDP(macC1, ch, po, tt, tlv(tlvEnd, []byte{0}), end), ErrMalformed, 39, tlvEnd, "want 0"},
		{"empty chassis", ethLLDP(macC1, tlv(tlvChassisID, nil), po, tt, end), ErrMalformed, 14, tlvChassisID, "subtype octet"},
		{"chassis subtype only", ethLLDP(macC1, tlv(tlvChassisID, []byte{7}), po, tt, end), ErrMalformed, 14, tlvChassisID, "0 ID octets"},
		{"chassis MAC of 5", ethLLDP(macC1, tlv(tlvChassisID, []byte{4, 1, 2, 3, 4, 5}), po, tt, end), ErrMalformed, 14, tlvChassisID, "want 6"},
		{"chassis subtype 0", ethLLDP(macC1, tlv(tlvChassisID, []byte{0, 1}), po, tt, end), ErrMalformed, 14, tlvChassisID, "reserved subtype 0"},
		{"chassis subtype 8", ethLLDP(macC1, tlv(tlvChassisID, []byte{8, 1}), po, tt, end), ErrMalformed, 14, tlvChassisID, "reserved subtype 8"},
		{"chassis of 256 ID octets", ethLLDP(macC1, tlv(tlvChassisID, append([]byte{7}, make([]byte, 256)...)), po, tt, end), ErrMalformed, 14, tlvChassisID, "256 ID octets"},
		{"port MAC of 7", ethLLDP(macC1, ch, tlv(tlvPortID, []byte{3, 1, 2, 3, 4, 5, 6, 7}), tt, end), ErrMalformed, 23, tlvPortID, "want 6"},
		{"port net address of 1", ethLLDP(macC1, ch, tlv(tlvPortID, []byte{4, 1}), tt, end), ErrMalformed, 23, tlvPortID, "want >= 2"},
		{"system name of 256", ethLLDP(macC1, ch, po, tt, tlv(tlvSystemName, make([]byte, 256)), end), ErrMalformed, 39, tlvSystemName, "at most 255"},
		{"org TLV of 3", ethLLDP(macC1, ch, po, tt, tlv(tlvOrgSpecific, []byte{0, 1, 0xe8}), end), ErrMalformed, 39, tlvOrgSpecific, "at least 4"},
		{"pg zero MACs", ethLLDP(macC1, ch, po, tt, pgTLV(), end), ErrMalformed, 39, tlvOrgSpecific, "no MACs"},
		{"pg length 4+5", ethLLDP(macC1, ch, po, tt, tlv(tlvOrgSpecific, []byte{0, 1, 0xe8, 1, 1, 2, 3, 4, 5}), end), ErrMalformed, 39, tlvOrgSpecific, "not a multiple of 6"},
		{"pg length 4+6+1", ethLLDP(macC1, ch, po, tt, tlv(tlvOrgSpecific, append(pgTLV(macC1)[2:], 9)), end), ErrMalformed, 39, tlvOrgSpecific, "length 11"},
		{"pg 17 MACs", ethLLDP(macC1, ch, po, tt, pgTLV(seventeen...), end), ErrMalformed, 39, tlvOrgSpecific, "more than 16"},
		{"pg twice", ethLLDP(macC1, ch, po, tt, pgTLV(macC1), pgTLV(macD1), end), ErrMalformed, 51, tlvOrgSpecific, "repeated proxy-gateway"},
		{"pg length past the frame", ethLLDP(macC1, ch, po, tt, rawTLV(tlvOrgSpecific, 16, pgTLV(macC1)[2:])), ErrMalformed, 39, tlvOrgSpecific, "exceeds the 10 octets left"},
	} {
		_, err := Decode(tc.frame)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v, want a *DecodeError", tc.name, err)
			continue
		}
		if !errors.Is(err, tc.kind) || de.Offset != tc.offset || de.TLVType != tc.tlvType || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: got %q (offset %d, TLV %d), want %v at offset %d, TLV %d, containing %q",
				tc.name, err, de.Offset, de.TLVType, tc.kind, tc.offset, tc.tlvType, tc.reason)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	good := PDU{Src: macC, ChassisID: ChassisMAC(macC), PortID: PortName("Ethernet8"), TTL: 120}
	seventeen := make([]MAC, 17)
	for i := range seventeen {
		seventeen[i] = seqMAC(i + 1)
	}
	for _, tc := range []struct {
		name   string
		mod    func(*PDU)
		reason string
	}{
		{"zero source", func(p *PDU) { p.Src = MAC{} }, "source MAC"},
		{"empty port", func(p *PDU) { p.PortID.ID = "" }, "Port ID"},
		{"chassis MAC of 5", func(p *PDU) { p.ChassisID.ID = "abcde" }, "Chassis ID"},
		{"long name", func(p *PDU) { p.SystemName = strings.Repeat("x", 256) }, "System Name"},
		{"17 MACs", func(p *PDU) { p.MACs = seventeen }, "17 proxy-gateway MACs"},
		{"broadcast MAC", func(p *PDU) { p.MACs = []MAC{macC, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} }, "MAC 1"},
	} {
		p := good
		tc.mod(&p)
		_, err := Encode(&p)
		if !errors.Is(err, ErrEncode) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want ErrEncode mentioning %q", tc.name, err, tc.reason)
		}
	}
}

// lldpdFrame is an LLDPDU captured from lldpd 1.0.16 configured with
// `configure lldp custom-tlv oui 00,01,e8 subtype 1 oui-info <C, D>`:
// Port ID subtype MAC, System Description, capabilities, management
// address, Port Description and 802.3 TLVs around our TLV.
const lldpdFrame = `0180c200000e5a986865297788cc0207045a98686529770407035a9868652977060200780a02766d0c5544656269616e20474e552f4c696e75782031322028626f6f6b776f726d29204c696e757820362e31382e34342d66632d7635303920233120534d5020505245454d50545f44594e414d4943204030207838365f36340e04009c008010181102fe80000000000000589868fffe65297702000000020008036c7431fe0900120f030100000000fe0900120f010080000036fe100001e8010001e800000c0001e800000d0000`

func TestDecodeLLDPDFrame(t *testing.T) {
	p, err := Decode(unhex(t, lldpdFrame))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	lldpdMAC := mustMAC("5a:98:68:65:29:77")
	want := PDU{Src: lldpdMAC, ChassisID: ChassisMAC(lldpdMAC), PortID: PortID{PortSubtypeMAC, string(lldpdMAC[:])},
		TTL: 120, SystemName: "vm", MACs: []MAC{macC, macD}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v\nwant %+v", p, want)
	}
}
