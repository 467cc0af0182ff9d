package vs

import (
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// boot creates what the platform owns at start: the switch, the CPU port,
// one PORT per configured port (admin down), the default virtual router,
// 1Q bridge, VLAN 1 (no members) and trap group; the switch's read-only
// attributes point at them so syncd discovers them by Get.
func (s *Switch) boot() {
	st := s.st
	mk := func(t halv1.ObjectType, platform bool, set map[int]*halv1.Attribute) *object {
		ti := typeOf(t)
		o := &object{ti: ti, attrs: make([]*halv1.Attribute, len(ti.meta.Attrs)), platform: platform}
		for i, a := range set {
			o.attrs[i] = a
		}
		st.next++
		o.oid = rid(t, st.next)
		return o
	}
	name := func(t halv1.ObjectType, i int) string { return typeOf(t).meta.Attrs[i].Name }

	sw := mk(tSwitch, true, map[int]*halv1.Attribute{
		aSwitchInit:   attrBool(name(tSwitch, aSwitchInit), true),
		aSwitchSrcMAC: attrMAC(name(tSwitch, aSwitchSrcMAC), st.mac),
		aSwitchAging:  attrU32(name(tSwitch, aSwitchAging), uint32(st.ageTime.Seconds())),
	})
	st.switchOID = sw.oid

	cpu := mk(tPort, true, map[int]*halv1.Attribute{
		aPortLanes: attrU32List(name(tPort, aPortLanes), nil),
		aPortAdmin: attrBool(name(tPort, aPortAdmin), true),
		aPortOper:  attrEnum(name(tPort, aPortOper), operUp),
	})
	cpuPort := &port{obj: cpu, name: "CPU", cpu: true, linkUp: true, operUp: true}
	var portOIDs []uint64
	var ports []*object
	for _, pc := range s.cfg.Ports {
		o := mk(tPort, true, map[int]*halv1.Attribute{
			aPortLanes: attrU32List(name(tPort, aPortLanes), append([]uint32(nil), pc.Lanes...)),
			aPortSpeed: attrU32(name(tPort, aPortSpeed), pc.Speed),
			aPortAdmin: attrBool(name(tPort, aPortAdmin), false),
			aPortOper:  attrEnum(name(tPort, aPortOper), operDown),
		})
		ports = append(ports, o)
		portOIDs = append(portOIDs, o.oid)
		p := &port{obj: o, name: pc.Name, linkUp: true, capture: newCaptureRing(s.cfg.CapturePerPort)}
		s.ports = append(s.ports, p)
	}
	vr := mk(tVR, false, nil)
	br := mk(tBridge, false, map[int]*halv1.Attribute{aBridgeType: attrEnum(name(tBridge, aBridgeType), "SAI_BRIDGE_TYPE_1Q")})
	vl := mk(tVLAN, false, map[int]*halv1.Attribute{aVLANID: attrU32(name(tVLAN, aVLANID), 1)})
	tg := mk(tTrapGroup, false, nil)

	sw.attrs[aSwitchPortNumber] = attrU32(name(tSwitch, aSwitchPortNumber), uint32(len(portOIDs)))
	sw.attrs[aSwitchPortList] = attrOIDList(name(tSwitch, aSwitchPortList), portOIDs)
	sw.attrs[aSwitchCPUPort] = attrOID(name(tSwitch, aSwitchCPUPort), cpu.oid)
	sw.attrs[aSwitchDefVR] = attrOID(name(tSwitch, aSwitchDefVR), vr.oid)
	sw.attrs[aSwitchDefBridge] = attrOID(name(tSwitch, aSwitchDefBridge), br.oid)
	sw.attrs[aSwitchDefVLAN] = attrOID(name(tSwitch, aSwitchDefVLAN), vl.oid)
	sw.attrs[aSwitchDefTrapGrp] = attrOID(name(tSwitch, aSwitchDefTrapGrp), tg.oid)

	// Referenced objects first so the switch's references count.
	st.insert(cpu)
	st.ports[cpu.oid] = cpuPort
	st.cpu = cpuPort
	for i, o := range ports {
		st.insert(o)
		p := s.ports[i]
		st.ports[o.oid] = p
		st.portByName[p.name] = p
		st.portList = append(st.portList, p)
	}
	for _, o := range []*object{vr, br, vl, tg, sw} {
		st.insert(o)
	}
}
