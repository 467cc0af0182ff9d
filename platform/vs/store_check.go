package vs

import (
	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// checkCreate applies the rules that need the other objects: duplicates
// (ITEM_ALREADY_EXISTS) and references that must be of a particular kind.
func (s *store) checkCreate(o *object) error {
	exists := func(format string, a ...any) error {
		return statusErr(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, o.ti.meta.Name+": "+format, a...)
	}
	switch o.t() {
	case tVLAN:
		vid := o.u32Attr(aVLANID, 0)
		if v := s.vlanByVID[vid&0xfff]; v != nil {
			return exists("VLAN %d already exists as %s", vid, sai.FormatOID(v.obj.oid))
		}
	case tBridgePt:
		if o.enumAttr(aBPType, "") != bpTypePort {
			return nil
		}
		ifOID := o.oidAttr(aBPPort)
		if bp, ok := s.bpByIf[ifOID]; ok {
			return exists("%s already has bridge port %s", sai.FormatOID(ifOID), sai.FormatOID(bp.obj.oid))
		}
		if p, ok := s.ports[ifOID]; ok && p.cpu {
			return statusErr(halv1.Status_STATUS_INVALID_ATTR_VALUE, "SAI_BRIDGE_PORT_ATTR_PORT_ID: the CPU port cannot be bridged")
		}
		if g := o.oidAttr(aBPIsoGroup); g != 0 {
			return s.checkIsoGroupRef(g)
		}
	case tVLANMem:
		k := [2]uint64{o.oidAttr(aVMVLAN), o.oidAttr(aVMBridgePt)}
		if m, ok := s.vlanMemIdx[k]; ok {
			return exists("bridge port %s is already a member of VLAN %s (%s)", sai.FormatOID(k[1]), sai.FormatOID(k[0]), sai.FormatOID(m.obj.oid))
		}
	case tLAGMember:
		portOID := o.oidAttr(aLAGMPort)
		if m, ok := s.lagMemOf[portOID]; ok {
			return exists("port %s is already a LAG member (%s)", sai.FormatOID(portOID), sai.FormatOID(m))
		}
		if p, ok := s.ports[portOID]; ok && p.cpu {
			return statusErr(halv1.Status_STATUS_INVALID_ATTR_VALUE, "SAI_LAG_MEMBER_ATTR_PORT_ID: the CPU port cannot join a LAG")
		}
	case tRIF:
		switch o.enumAttr(aRIFType, "") {
		case rifTypePort:
			ifOID := o.oidAttr(aRIFPort)
			if r, ok := s.rifPortDup[ifOID]; ok {
				return exists("%s already has router interface %s", sai.FormatOID(ifOID), sai.FormatOID(r))
			}
		case rifTypeVLAN:
			if v, ok := s.vlans[o.oidAttr(aRIFVLAN)]; ok {
				if r := s.rifByVID[v.vid]; r != nil {
					return exists("VLAN %d already has router interface %s", v.vid, sai.FormatOID(r.obj.oid))
				}
			}
		}
	case tTrap:
		tt := o.enumAttr(aTrapType, "")
		if t, ok := s.traps[tt]; ok {
			return exists("a trap of type %s exists (%s)", tt, sai.FormatOID(t.oid))
		}
	case tHostif:
		if a := o.attrs[aHostifName]; a != nil {
			if h, ok := s.hostifName[a.GetStr()]; ok {
				return exists("host interface %q exists (%s)", a.GetStr(), sai.FormatOID(h))
			}
		}
	case tIsoMember:
		g, obj := o.oidAttr(aIsoMGroup), o.oidAttr(aIsoMObject)
		if m, ok := s.isoMemIdx[[2]uint64{g, obj}]; ok {
			return exists("%s is already in isolation group %s (%s)", sai.FormatOID(obj), sai.FormatOID(g), sai.FormatOID(m))
		}
		want := tBridgePt
		if s.objs[g].enumAttr(aIsoType, "") == isoTypePort {
			want = tPort
		}
		if got := s.objs[obj].t(); got != want {
			return statusErr(halv1.Status_STATUS_INVALID_ATTR_VALUE, "SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT: %s is a %s; group %s takes %s members",
				sai.FormatOID(obj), sai.TypeName(got), sai.FormatOID(g), sai.TypeName(want))
		}
	case tNHGMember:
		return s.checkNHGMember(o)
	case tMyMAC:
		mac, mask, vlanID, portOID := myMACTuple(o)
		if d, ok := s.myMACs.exact[dupKey(mac, mask, vlanID, portOID)]; ok {
			return exists("an entry for (%s, mask %s, VLAN %d, port %s) exists (%s)",
				sai.FormatMAC(mac[:]), sai.FormatMAC(mask[:]), vlanID, sai.FormatOID(portOID), sai.FormatOID(d))
		}
	}
	return nil
}

// checkIsoGroupRef: a bridge port's isolation group must group bridge ports.
func (s *store) checkIsoGroupRef(g uint64) error {
	if t := s.objs[g].enumAttr(aIsoType, ""); t != isoTypeBridgePort {
		return statusErr(halv1.Status_STATUS_INVALID_ATTR_VALUE, "SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP: group %s is of type %s, want %s", sai.FormatOID(g), t, isoTypeBridgePort)
	}
	return nil
}

// checkFDB: an FDB entry's bridge port must be a member of its VLAN.
func (s *store) checkFDB(o *object) error {
	return s.checkFDBPort(o.key.GetFdbEntry().GetBvId(), o.oidAttr(aFDBBridgePt))
}

func (s *store) checkFDBPort(bv, bp uint64) error {
	if bp == 0 {
		return nil
	}
	if _, ok := s.vlanMemIdx[[2]uint64{bv, bp}]; !ok {
		if _, isBP := s.bps[bp]; isBP {
			return statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID: bridge port %s is not a member of VLAN %s", sai.FormatOID(bp), sai.FormatOID(bv))
		}
	}
	return nil
}

// checkSet applies the cross-object rules of setting one attribute.
func (s *store) checkSet(o *object, i int, a *halv1.Attribute) error {
	switch {
	case o.t() == tBridgePt && i == aBPIsoGroup:
		if g := a.GetOid(); g != 0 {
			return s.checkIsoGroupRef(g)
		}
	case o.t() == tFDB && i == aFDBBridgePt:
		return s.checkFDBPort(o.key.GetFdbEntry().GetBvId(), a.GetOid())
	case o.t() == tSwitch && i == aSwitchSrcMAC:
		if m := a.GetMac(); m[0]&1 != 0 {
			return statusErr(halv1.Status_STATUS_INVALID_ATTR_VALUE, "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS: %s is multicast", sai.FormatMAC(m))
		}
	}
	return nil
}

// myMACTuple reads a MY_MAC entry's match with SAI's defaults (mask all
// ones, VLAN 0 = any, no port).
func myMACTuple(o *object) (mac, mask [6]byte, vlanID uint16, portOID uint64) {
	mac, _ = o.macAttr(aMyMACAddr)
	mask, ok := o.macAttr(aMyMACMask)
	if !ok {
		mask = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	}
	return mac, mask, uint16(o.u32Attr(aMyMACVLAN, 0)), o.oidAttr(aMyMACPort)
}
