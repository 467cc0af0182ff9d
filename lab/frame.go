package lab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// Frame is the part of an Ethernet frame the demo looks at: MACs, an
// optional 802.1Q tag and an IPv4/UDP packet.
type Frame struct {
	Dst, Src  net.HardwareAddr
	VLAN      int // 0: untagged
	EtherType uint16
	SrcIP     netip.Addr
	DstIP     netip.Addr
	TTL       uint8
	Payload   []byte // UDP payload
}

const (
	etherTypeVLAN = 0x8100
	etherTypeIPv4 = 0x0800
	etherTypeLLDP = 0x88cc
)

// BuildUDP4 returns an Ethernet frame (tagged when vlan > 0) carrying an
// IPv4 UDP datagram (ports 4000 → 5000) with a valid header checksum.
func BuildUDP4(dst, src net.HardwareAddr, vlan int, srcIP, dstIP netip.Addr, ttl uint8, payload []byte) ([]byte, error) {
	if len(dst) != 6 || len(src) != 6 || !srcIP.Is4() || !dstIP.Is4() {
		return nil, errors.New("frame: want 6-octet MACs and IPv4 addresses")
	}
	b := make([]byte, 0, 64+len(payload))
	b = append(b, dst...)
	b = append(b, src...)
	if vlan > 0 {
		b = binary.BigEndian.AppendUint16(b, etherTypeVLAN)
		b = binary.BigEndian.AppendUint16(b, uint16(vlan&0xfff))
	}
	b = binary.BigEndian.AppendUint16(b, etherTypeIPv4)
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(payload)))
	ip[8], ip[9] = ttl, 17
	s4, d4 := srcIP.As4(), dstIP.As4()
	copy(ip[12:], s4[:])
	copy(ip[16:], d4[:])
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip))
	b = append(b, ip...)
	b = binary.BigEndian.AppendUint16(b, 4000)
	b = binary.BigEndian.AppendUint16(b, 5000)
	b = binary.BigEndian.AppendUint16(b, uint16(8+len(payload)))
	b = binary.BigEndian.AppendUint16(b, 0) // no UDP checksum (allowed in IPv4)
	b = append(b, payload...)
	for len(b) < 60 {
		b = append(b, 0)
	}
	return b, nil
}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// ParseFrame decodes the Ethernet header, an 802.1Q tag and, for IPv4,
// addresses, TTL and the UDP payload (nil for other protocols).
func ParseFrame(b []byte) (*Frame, error) {
	if len(b) < 14 {
		return nil, fmt.Errorf("frame: %d bytes, shorter than an Ethernet header", len(b))
	}
	f := &Frame{Dst: net.HardwareAddr(b[0:6]), Src: net.HardwareAddr(b[6:12])}
	et, rest := binary.BigEndian.Uint16(b[12:]), b[14:]
	if et == etherTypeVLAN {
		if len(rest) < 4 {
			return nil, errors.New("frame: truncated 802.1Q tag")
		}
		f.VLAN = int(binary.BigEndian.Uint16(rest) & 0xfff)
		et, rest = binary.BigEndian.Uint16(rest[2:]), rest[4:]
	}
	f.EtherType = et
	if et != etherTypeIPv4 {
		return f, nil
	}
	if len(rest) < 20 || rest[0]>>4 != 4 {
		return nil, errors.New("frame: truncated IPv4 header")
	}
	ihl := int(rest[0]&0xf) * 4
	if ihl < 20 || len(rest) < ihl {
		return nil, errors.New("frame: bad IPv4 header length")
	}
	f.TTL = rest[8]
	f.SrcIP = netip.AddrFrom4([4]byte(rest[12:16]))
	f.DstIP = netip.AddrFrom4([4]byte(rest[16:20]))
	if rest[9] == 17 && len(rest) >= ihl+8 {
		total := int(binary.BigEndian.Uint16(rest[2:]))
		end := len(rest)
		if total >= ihl+8 && total <= len(rest) {
			end = total
		}
		f.Payload = rest[ihl+8 : end]
	}
	return f, nil
}

// IPv4 reports whether the frame carries IPv4.
func (f *Frame) IPv4() bool { return f.EtherType == etherTypeIPv4 }

// String summarises the frame on one line.
func (f *Frame) String() string {
	tag := "untagged"
	if f.VLAN > 0 {
		tag = fmt.Sprintf("vlan %d", f.VLAN)
	}
	if !f.IPv4() {
		return fmt.Sprintf("%s > %s, %s, ethertype 0x%04x", f.Src, f.Dst, tag, f.EtherType)
	}
	return fmt.Sprintf("%s > %s, %s, IPv4 %s > %s ttl %d", f.Src, f.Dst, tag, f.SrcIP, f.DstIP, f.TTL)
}
