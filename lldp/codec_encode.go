package lldp

import (
	"encoding/binary"
	"fmt"
)

// Encode builds the Ethernet frame for p: destination NearestBridge, source
// p.Src, EtherType 0x88CC, then Chassis ID, Port ID, TTL, System Name (when
// set), the proxy-gateway TLV (when p.MACs is not empty) and End, zero-padded
// to the 60-octet Ethernet minimum. It refuses anything Decode would reject
// and any unusable MAC, so every frame we send is one we would accept.
func Encode(p *PDU) ([]byte, error) {
	return AppendEncode(make([]byte, 0, encodedLen(p)), p)
}

// AppendEncode is Encode appending to dst.
func AppendEncode(dst []byte, p *PDU) ([]byte, error) {
	if err := checkEncodable(p); err != nil {
		return dst, err
	}
	start := len(dst)
	dst = append(dst, NearestBridge[:]...)
	dst = append(dst, p.Src[:]...)
	dst = binary.BigEndian.AppendUint16(dst, EtherType)

	dst = appendTLVHeader(dst, tlvChassisID, 1+len(p.ChassisID.ID))
	dst = append(dst, p.ChassisID.Subtype)
	dst = append(dst, p.ChassisID.ID...)
	dst = appendTLVHeader(dst, tlvPortID, 1+len(p.PortID.ID))
	dst = append(dst, p.PortID.Subtype)
	dst = append(dst, p.PortID.ID...)
	dst = appendTLVHeader(dst, tlvTTL, 2)
	dst = binary.BigEndian.AppendUint16(dst, p.TTL)
	if p.SystemName != "" {
		dst = appendTLVHeader(dst, tlvSystemName, len(p.SystemName))
		dst = append(dst, p.SystemName...)
	}
	if len(p.MACs) > 0 {
		dst = appendTLVHeader(dst, tlvOrgSpecific, 4+6*len(p.MACs))
		dst = append(dst, ProxyGatewayOUI[:]...)
		dst = append(dst, ProxyGatewaySubtype)
		for _, m := range p.MACs {
			dst = append(dst, m[:]...)
		}
	}
	dst = appendTLVHeader(dst, tlvEnd, 0)
	for len(dst)-start < minFrameLen {
		dst = append(dst, 0)
	}
	return dst, nil
}

func appendTLVHeader(dst []byte, typ, n int) []byte {
	return binary.BigEndian.AppendUint16(dst, uint16(typ)<<9|uint16(n))
}

func encodedLen(p *PDU) int {
	n := ethHeaderLen + 2 + 1 + len(p.ChassisID.ID) + 2 + 1 + len(p.PortID.ID) + 4 + 2
	if p.SystemName != "" {
		n += 2 + len(p.SystemName)
	}
	if len(p.MACs) > 0 {
		n += 2 + 4 + 6*len(p.MACs)
	}
	return max(n, minFrameLen)
}

func checkEncodable(p *PDU) error {
	if !p.Src.Usable() {
		return fmt.Errorf("%w: source MAC %s is not a unicast address", ErrEncode, p.Src)
	}
	if err := validateID(p.ChassisID.Subtype, p.ChassisID.ID, ChassisSubtypeMAC, ChassisSubtypeNetworkAddr); err != nil {
		return fmt.Errorf("%w: Chassis ID: %w", ErrEncode, err)
	}
	if err := validateID(p.PortID.Subtype, p.PortID.ID, PortSubtypeMAC, PortSubtypeNetworkAddr); err != nil {
		return fmt.Errorf("%w: Port ID: %w", ErrEncode, err)
	}
	if len(p.SystemName) > 255 {
		return fmt.Errorf("%w: System Name of %d octets, want at most 255", ErrEncode, len(p.SystemName))
	}
	if len(p.MACs) > MaxProxyGatewayMACs {
		return fmt.Errorf("%w: %d proxy-gateway MACs, want at most %d", ErrEncode, len(p.MACs), MaxProxyGatewayMACs)
	}
	for i, m := range p.MACs {
		if !m.Usable() {
			return fmt.Errorf("%w: proxy-gateway MAC %d (%s) is not a usable unicast address", ErrEncode, i, m)
		}
	}
	return nil
}
