package lldp

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzDecode: Decode never panics; it fails only with a *DecodeError; and
// whatever it accepts re-encodes to a frame that decodes to the same PDU
// (the encoder accepts everything the decoder does, so our own view of a
// neighbour's LLDPDU is stable). Seeds live in testdata/fuzz/FuzzDecode and
// are added here too so a plain `go test` covers the interesting shapes.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		p, err := Decode(frame)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || (!errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNotLLDP)) {
				t.Fatalf("error %v (%T) is not a *DecodeError wrapping ErrMalformed/ErrNotLLDP", err, err)
			}
			if de.Offset < 0 || de.Offset > len(frame) {
				t.Fatalf("error offset %d outside the %d-octet frame", de.Offset, len(frame))
			}
			return
		}
		if len(p.MACs) > MaxProxyGatewayMACs {
			t.Fatalf("accepted %d MACs", len(p.MACs))
		}
		for _, m := range p.MACs {
			if !m.Usable() {
				t.Fatalf("accepted unusable MAC %s", m)
			}
		}
		re, err := Encode(&p)
		if err != nil {
			t.Fatalf("accepted %+v but cannot re-encode it: %v", p, err)
		}
		q, err := Decode(re)
		if err != nil {
			t.Fatalf("re-encoded frame %x does not decode: %v", re, err)
		}
		p.SkippedMACs = 0 // the re-encoded frame carries only the kept MACs
		if len(p.MACs) == 0 {
			p.MACs = nil
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the PDU:\n got %+v\nwant %+v", q, p)
		}
	})
}

func fuzzSeeds(tb testing.TB) [][]byte {
	ch, po, tt, end := chassisTLV(macC1), portTLV("Ethernet8"), ttlTLV(120), endTLV()
	valid := frameFor(tb, macC1, "Ethernet8", 120, macC1, macD1)
	return [][]byte{
		valid,
		frameFor(tb, macD1, "Ethernet12", 0),
		unhex(tb, goldenC),
		unhex(tb, goldenShutdown),
		valid[:len(valid)-3],                     // truncated in the End TLV
		valid[:30],                               // truncated in the Port ID TLV
		ethLLDP(macC1, ch, po, tt, pgTLV(), end), // zero MACs
		ethLLDP(macC1, ch, po, tt, rawTLV(tlvOrgSpecific, 11, pgTLV(macC1)[2:]), end), // bad length
		ethLLDP(macC1, ch, po, rawTLV(tlvTTL, 300, []byte{0, 1}), end),                // length past the frame
		ethLLDP(macC1, po, ch, tt, end),                                               // wrong order
		ethLLDP(macC1, ch, po, tt, pgTLV(MAC{}, macC1, MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), end),
	}
}
