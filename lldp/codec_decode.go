package lldp

import "encoding/binary"

// Decode parses an untagged Ethernet frame carrying an LLDPDU. It never
// panics, whatever the input. Errors are *DecodeError wrapping ErrNotLLDP or
// ErrMalformed, with the frame offset and TLV type of the fault.
//
// Strict receive rules (802.1AB-2016 §9.2.7.7 plus spec §5):
//   - the first three TLVs are Chassis ID, Port ID and TTL, in that order,
//     and none of them appears again;
//   - every TLV lies within the frame and an End TLV (type 0, length 0)
//     closes the LLDPDU; octets after it (Ethernet padding) are ignored;
//   - Chassis/Port ID: subtype 1..7, 1..255 octets, 6 for the MAC subtype;
//     TTL: 2 octets; System Name: at most 255 octets;
//   - the proxy-gateway TLV appears at most once, with 1..16 whole MACs.
//
// Other optional TLVs, reserved TLV types and other organisationally
// specific TLVs (including other subtypes of our OUI) are skipped; 802.1AB
// lets a receiver ignore what it does not use.
func Decode(frame []byte) (PDU, error) {
	var p PDU
	if len(frame) < ethHeaderLen {
		return p, notLLDP(0, "frame of %d bytes is shorter than an Ethernet header", len(frame))
	}
	var dst MAC
	copy(dst[:], frame[0:6])
	if dst != NearestBridge && dst != nearestNonTPMR && dst != nearestCustomer {
		return p, notLLDP(0, "destination %s is not an LLDP group address", dst)
	}
	copy(p.Src[:], frame[6:12])
	if !p.Src.Usable() {
		return p, malformed(6, noTLV, "source MAC %s is not a unicast address", p.Src)
	}
	if et := binary.BigEndian.Uint16(frame[12:14]); et != EtherType {
		return p, notLLDP(12, "EtherType 0x%04x, want 0x%04x", et, EtherType)
	}
	return p, decodeTLVs(frame, &p)
}

func decodeTLVs(frame []byte, p *PDU) error {
	off := ethHeaderLen
	seenName, seenPG := false, false
	for idx := 0; ; idx++ {
		if len(frame)-off < 2 {
			return malformed(off, noTLV, "LLDPDU ends without an End TLV")
		}
		hdr := binary.BigEndian.Uint16(frame[off:])
		typ, n := int(hdr>>9), int(hdr&0x1ff)
		v := off + 2
		if n > len(frame)-v {
			return malformed(off, typ, "length %d exceeds the %d octets left in the frame", n, len(frame)-v)
		}
		val := frame[v : v+n]
		if want := mandatoryAt(idx); want != 0 && typ != want {
			return malformed(off, typ, "TLV %d of the LLDPDU must be %s (type %d)", idx+1, tlvName(want), want)
		}
		switch typ {
		case tlvEnd:
			if n != 0 {
				return malformed(off, typ, "length %d, want 0", n)
			}
			return nil
		case tlvChassisID, tlvPortID, tlvTTL:
			if idx > 2 {
				return malformed(off, typ, "repeated mandatory TLV")
			}
			if err := decodeMandatory(typ, val, p); err != nil {
				return malformed(off, typ, "%v", err)
			}
		case tlvSystemName:
			if n > 255 {
				return malformed(off, typ, "length %d, want at most 255", n)
			}
			if !seenName { // 802.1AB allows one; keep the first, ignore others
				p.SystemName, seenName = string(val), true
			}
		case tlvOrgSpecific:
			if n < 4 {
				return malformed(off, typ, "length %d, want at least 4 (OUI + subtype)", n)
			}
			if [3]byte(val[0:3]) != ProxyGatewayOUI || val[3] != ProxyGatewaySubtype {
				break // someone else's TLV: skip it
			}
			if seenPG {
				return malformed(off, typ, "repeated proxy-gateway TLV")
			}
			seenPG = true
			if err := decodeProxyGateway(val[4:], p); err != nil {
				return malformed(off, typ, "proxy-gateway TLV length %d: %v", n, err)
			}
		}
		off = v + n
	}
}

// mandatoryAt is the TLV type 802.1AB requires at position idx, or 0.
func mandatoryAt(idx int) int {
	switch idx {
	case 0:
		return tlvChassisID
	case 1:
		return tlvPortID
	case 2:
		return tlvTTL
	}
	return 0
}

func decodeMandatory(typ int, val []byte, p *PDU) error {
	switch typ {
	case tlvChassisID:
		if len(val) < 1 {
			return errString("empty TLV, want a subtype octet")
		}
		p.ChassisID = ChassisID{Subtype: val[0], ID: string(val[1:])}
		return validateID(p.ChassisID.Subtype, p.ChassisID.ID, ChassisSubtypeMAC, ChassisSubtypeNetworkAddr)
	case tlvPortID:
		if len(val) < 1 {
			return errString("empty TLV, want a subtype octet")
		}
		p.PortID = PortID{Subtype: val[0], ID: string(val[1:])}
		return validateID(p.PortID.Subtype, p.PortID.ID, PortSubtypeMAC, PortSubtypeNetworkAddr)
	default: // tlvTTL
		if len(val) != 2 {
			return errString("TTL TLV must be 2 octets")
		}
		p.TTL = binary.BigEndian.Uint16(val)
		return nil
	}
}

// decodeProxyGateway parses the MAC list after OUI+subtype. A bad length
// is an error (the TLV is malformed); an unusable MAC is skipped and counted
// (the TLV is fine, one entry is not).
func decodeProxyGateway(macs []byte, p *PDU) error {
	switch {
	case len(macs)%6 != 0:
		return errString("(length-4) is not a multiple of 6")
	case len(macs) == 0:
		return errString("no MACs, want 1..16")
	case len(macs)/6 > MaxProxyGatewayMACs:
		return errString("more than 16 MACs")
	}
	p.MACs = make([]MAC, 0, len(macs)/6)
	for i := 0; i+6 <= len(macs); i += 6 {
		m := MAC(macs[i : i+6])
		if !m.Usable() {
			p.SkippedMACs++
			continue
		}
		p.MACs = append(p.MACs, m)
	}
	return nil
}

// errString is a tiny allocation-free-at-definition error for reasons that
// get wrapped into a DecodeError.
type errString string

func (e errString) Error() string { return string(e) }
