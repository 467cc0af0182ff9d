package lldp

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// Reference scenario MACs (spec §8).
var (
	macC  = mustMAC("00:01:e8:00:00:0c")
	macD  = mustMAC("00:01:e8:00:00:0d")
	macC1 = mustMAC("00:01:e8:00:01:0c")
	macD1 = mustMAC("00:01:e8:00:01:0d")
)

func mustMAC(s string) MAC {
	m, err := ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// seqMAC returns distinct usable MACs 02:00:00:00:hi:lo (locally administered).
func seqMAC(i int) MAC { return MAC{0x02, 0, 0, 0, byte(i >> 8), byte(i)} }

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

// rawTLV builds a TLV with the given header length field (which may lie).
func rawTLV(typ, length int, val []byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(typ)<<9|uint16(length&0x1ff))
	return append(b, val...)
}

func tlv(typ int, val []byte) []byte { return rawTLV(typ, len(val), val) }

// ethLLDP builds an LLDP Ethernet header from src followed by the given TLVs.
func ethLLDP(src MAC, tlvs ...[]byte) []byte {
	b := append([]byte{}, NearestBridge[:]...)
	b = append(b, src[:]...)
	b = append(b, 0x88, 0xcc)
	for _, t := range tlvs {
		b = append(b, t...)
	}
	return b
}

func chassisTLV(m MAC) []byte { return tlv(tlvChassisID, append([]byte{ChassisSubtypeMAC}, m[:]...)) }
func portTLV(name string) []byte {
	return tlv(tlvPortID, append([]byte{PortSubtypeInterfaceName}, name...))
}
func ttlTLV(s uint16) []byte { return tlv(tlvTTL, binary.BigEndian.AppendUint16(nil, s)) }
func endTLV() []byte         { return []byte{0, 0} }

func pgTLV(macs ...MAC) []byte {
	v := []byte{0x00, 0x01, 0xE8, 0x01}
	for _, m := range macs {
		v = append(v, m[:]...)
	}
	return tlv(tlvOrgSpecific, v)
}

// frameFor encodes the LLDPDU our agent would send for this sender.
func frameFor(t testing.TB, chassis MAC, port string, ttl uint16, macs ...MAC) []byte {
	t.Helper()
	f, err := Encode(&PDU{Src: chassis, ChassisID: ChassisMAC(chassis), PortID: PortName(port), TTL: ttl, SystemName: "peer", MACs: macs})
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return f
}
