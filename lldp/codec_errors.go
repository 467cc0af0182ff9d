package lldp

import (
	"errors"
	"fmt"
)

var (
	// ErrNotLLDP: the frame is not an untagged LLDP frame to an 802.1AB
	// group address (short header, other EtherType, other destination).
	ErrNotLLDP = errors.New("not an LLDP frame")
	// ErrMalformed: an LLDP frame whose LLDPDU or one of its TLVs breaks
	// 802.1AB or the proxy-gateway TLV layout (spec §5). Dropped and counted.
	ErrMalformed = errors.New("malformed LLDPDU")
	// ErrEncode: Encode was given a PDU it cannot put on the wire.
	ErrEncode = errors.New("cannot encode LLDPDU")
)

// noTLV marks a DecodeError that is about the Ethernet header or the LLDPDU
// as a whole rather than one TLV.
const noTLV = -1

// DecodeError says what is wrong with a frame and where. It wraps
// ErrNotLLDP or ErrMalformed (use errors.Is).
type DecodeError struct {
	Kind    error // ErrNotLLDP or ErrMalformed
	Offset  int   // byte offset in the Ethernet frame
	TLVType int   // TLV type at Offset, or -1 when not about one TLV
	Reason  string
}

func (e *DecodeError) Error() string {
	if e.TLVType == noTLV {
		return fmt.Sprintf("lldp: %v at offset %d: %s", e.Kind, e.Offset, e.Reason)
	}
	return fmt.Sprintf("lldp: %v at offset %d, %s TLV (type %d): %s",
		e.Kind, e.Offset, tlvName(e.TLVType), e.TLVType, e.Reason)
}

func (e *DecodeError) Unwrap() error { return e.Kind }

func malformed(off, typ int, format string, args ...any) error {
	return &DecodeError{Kind: ErrMalformed, Offset: off, TLVType: typ, Reason: fmt.Sprintf(format, args...)}
}

func notLLDP(off int, format string, args ...any) error {
	return &DecodeError{Kind: ErrNotLLDP, Offset: off, TLVType: noTLV, Reason: fmt.Sprintf(format, args...)}
}

func tlvName(t int) string {
	switch t {
	case tlvEnd:
		return "End"
	case tlvChassisID:
		return "Chassis ID"
	case tlvPortID:
		return "Port ID"
	case tlvTTL:
		return "TTL"
	case tlvPortDesc:
		return "Port Description"
	case tlvSystemName:
		return "System Name"
	case tlvSystemDesc:
		return "System Description"
	case tlvSystemCaps:
		return "System Capabilities"
	case tlvMgmtAddress:
		return "Management Address"
	case tlvOrgSpecific:
		return "organizationally specific"
	}
	return "reserved"
}
