package vs

import (
	"encoding/binary"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// punt queues the received frame for PacketIO with the trap's name.
func (s *Switch) punt(pk *pkt, trap string) {
	pk.punts = append(pk.punts, &halv1.PacketIn{
		IngressPort: pk.in.obj.oid, IngressLag: pk.lagOID, Trap: trap, Frame: pk.f.raw,
	})
}

// reservedFrame handles 01:80:C2:00:00:0X destinations, which are never
// forwarded: LLDP and LACP go to the CPU when a trap for them exists with
// a TRAP/COPY/LOG action, everything else is dropped.
func (s *Switch) reservedFrame(pk *pkt) {
	f := &pk.f
	var trap string
	var miss stage
	switch {
	case f.dst == macLLDP && f.etype == etLLDP:
		trap, miss = trapLLDP, stDropLLDP
	case f.dst == macSlow && f.etype == etSlow:
		trap, miss = trapLACP, stDropReserved
	default:
		s.drop(pk, stDropReserved)
		return
	}
	switch s.st.trapAction(trap) {
	case actTrap, actCopy, actLog:
		s.punt(pk, trap)
		s.stages.inc(stTrapped)
	case actDrop, actDeny:
		s.drop(pk, stDropTrapAction)
	default:
		s.drop(pk, miss)
	}
}

// controlTraps applies the ARP and IPv6 neighbour-discovery traps; it
// returns false when the frame was consumed (trapped or dropped), true
// when forwarding goes on (perhaps after a copy to the CPU).
func (s *Switch) controlTraps(pk *pkt) bool {
	trap := controlTrapType(&pk.f)
	if trap == "" {
		return true
	}
	switch s.st.trapAction(trap) {
	case actTrap:
		s.punt(pk, trap)
		s.stages.inc(stTrapped)
		return false
	case actCopy, actLog:
		s.punt(pk, trap)
		s.stages.inc(stCopied)
	case actDrop, actDeny:
		s.drop(pk, stDropTrapAction)
		return false
	}
	return true
}

// controlTrapType names the trap a frame falls under: ARP request or
// response, or an ICMPv6 neighbour-discovery message; "" for others.
func controlTrapType(f *frame) string {
	p := f.payload()
	switch f.etype {
	case etARP:
		if len(p) < 8 {
			return ""
		}
		switch binary.BigEndian.Uint16(p[6:8]) {
		case 1:
			return trapARPReq
		case 2:
			return trapARPResp
		}
	case etIPv6:
		if len(p) >= 41 && p[6] == 58 && p[40] >= 133 && p[40] <= 137 {
			return trapND
		}
	}
	return ""
}
