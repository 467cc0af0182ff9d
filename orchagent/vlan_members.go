package orchagent

import "github.com/vltgw/vltgw/orchagent/sairedis"

var taggingModes = map[string]string{
	"untagged":        taggingUntagged,
	"tagged":          taggingTagged,
	"priority_tagged": taggingPriorityTaged,
}

func (o *vlanOrch) syncMember(t *Task) Result {
	vlanName, portName, ok := splitKey2(t.Key)
	if !ok {
		return Invalid("key %q: want VlanN:<EthernetM|PortChannelM>", t.Key)
	}
	v := o.vlans[vlanName]
	if t.Op == OpDel {
		if v == nil || v.members[portName] == nil {
			return Applied()
		}
		return o.removeMember(t, v, portName)
	}
	vlanID, err := parseVlanName(vlanName)
	if err != nil {
		return Invalid("%v", err)
	}
	if !isPortName(portName) && !isLagName(portName) {
		return Invalid("member %q: want EthernetN or PortChannelN", portName)
	}
	mode := t.Fields["tagging_mode"]
	if mode == "" {
		mode = "untagged"
	}
	saiMode, ok := taggingModes[mode]
	if !ok {
		return Invalid("tagging_mode %q: want untagged, tagged or priority_tagged", mode)
	}
	if v == nil {
		return Pending("VLAN %s does not exist", vlanName)
	}
	pi, ok := o.ports.Port(portName)
	if !ok {
		return Pending("port %s does not exist", portName)
	}
	if pi.LagName != "" {
		return Conflict("port %s is a member of %s; add the LAG to the VLAN instead", portName, pi.LagName)
	}
	if o.env.Intfs != nil {
		if _, routed := o.env.Intfs.RouterInterface(portName); routed {
			return Conflict("%s is a routed interface; it cannot be a VLAN member", portName)
		}
	}
	if other, ok := o.untagged[portName]; ok && mode == "untagged" && other != vlanName {
		return Conflict("%s is already untagged in %s", portName, other)
	}
	if m := v.members[portName]; m != nil {
		if m.tagging != mode {
			o.retag(t, v, portName, m, mode)
		}
		return Applied()
	}
	bp, err := o.ensureBridgePort(t, portName, pi.ID)
	if err != nil {
		return Failed(err)
	}
	m := &vlanMember{tagging: mode}
	id, err := o.env.ASIC.Create(tVlanMember, []sairedis.Attr{
		sairedis.OID(attrVlanMemberVlan, v.id),
		sairedis.OID(attrVlanMemberBP, bp.id),
		sairedis.Enum(attrVlanMemberTagging, saiMode),
	}, func(err error) {
		if err != nil && v.members[portName] == m {
			delete(v.members, portName)
			if o.untagged[portName] == vlanName && m.tagging == "untagged" {
				delete(o.untagged, portName)
				o.ports.setPVID(t, portName, defaultPVID)
			}
			o.releaseBridgePort(t, portName)
			t.Fail(err)
		}
	})
	if err != nil {
		o.releaseBridgePort(t, portName)
		return Failed(err)
	}
	m.id = id
	v.members[portName] = m
	if mode == "untagged" {
		o.untagged[portName] = vlanName
		o.ports.setPVID(t, portName, vlanID)
	}
	return Applied()
}

// retag changes a member's tagging mode and the PVID that follows from it.
func (o *vlanOrch) retag(t *Task, v *vlan, portName string, m *vlanMember, mode string) {
	prev := m.tagging
	m.tagging = mode
	err := o.env.ASIC.Set(sairedis.ObjectKey(m.id), sairedis.Enum(attrVlanMemberTagging, taggingModes[mode]), func(err error) {
		if err != nil {
			m.tagging = prev
			t.Fail(err)
		}
	})
	if err != nil {
		m.tagging = prev
		t.Fail(err)
		return
	}
	switch {
	case mode == "untagged":
		o.untagged[portName] = v.name
		o.ports.setPVID(t, portName, v.vlanID)
	case prev == "untagged":
		delete(o.untagged, portName)
		o.ports.setPVID(t, portName, defaultPVID)
	}
}

func (o *vlanOrch) removeMember(t *Task, v *vlan, portName string) Result {
	m := v.members[portName]
	delete(v.members, portName)
	if m.tagging == "untagged" && o.untagged[portName] == v.name {
		delete(o.untagged, portName)
		o.ports.setPVID(t, portName, defaultPVID)
	}
	err := o.env.ASIC.Remove(sairedis.ObjectKey(m.id), func(err error) {
		if err != nil {
			// The member is still there: take it back and keep the bridge
			// port (its removal, queued after this one, fails too).
			v.members[portName] = m
			t.Fail(err)
		}
	})
	if err != nil {
		v.members[portName] = m
		return Failed(err)
	}
	o.releaseBridgePort(t, portName)
	return Applied()
}

// ensureBridgePort returns the port's bridge port, queuing its create with
// the port's first membership.
func (o *vlanOrch) ensureBridgePort(t *Task, portName string, portID uint64) (*bridgePort, error) {
	if bp := o.bps[portName]; bp != nil {
		bp.vlans++
		return bp, nil
	}
	bp := &bridgePort{portID: portID, vlans: 1}
	id, err := o.env.ASIC.Create(tBridgePort, []sairedis.Attr{
		sairedis.Enum(attrBPType, bpTypePort),
		sairedis.OID(attrBPPort, portID),
		sairedis.Bool(attrBPAdminState, true),
	}, func(err error) {
		if err != nil && o.bps[portName] == bp {
			o.env.Events.emitBridgePort(BridgePortEvent{Port: portName, PortID: portID, BridgePort: bp.id})
			delete(o.bps, portName)
			o.ports.delUser(portName, "bridge port")
			t.Fail(err)
		}
	})
	if err != nil {
		return nil, err
	}
	bp.id = id
	o.bps[portName] = bp
	o.ports.addUser(portName, "bridge port")
	o.env.Events.emitBridgePort(BridgePortEvent{Port: portName, PortID: portID, BridgePort: id, Added: true})
	return bp, nil
}

// releaseBridgePort drops one membership's use of the port's bridge port
// and removes it when nothing uses it any more.
func (o *vlanOrch) releaseBridgePort(t *Task, portName string) {
	bp := o.bps[portName]
	if bp == nil {
		return
	}
	if bp.vlans > 0 {
		bp.vlans--
	}
	o.maybeRemoveBridgePort(t, portName)
}

func (o *vlanOrch) maybeRemoveBridgePort(t *Task, portName string) {
	bp := o.bps[portName]
	if bp == nil || bp.vlans > 0 || len(bp.users) > 0 {
		return
	}
	o.env.Events.emitBridgePort(BridgePortEvent{Port: portName, PortID: bp.portID, BridgePort: bp.id})
	delete(o.bps, portName)
	o.ports.delUser(portName, "bridge port")
	err := o.env.ASIC.Remove(sairedis.ObjectKey(bp.id), func(err error) {
		if err != nil && o.bps[portName] == nil {
			bp.vlans = o.memberships(portName)
			o.bps[portName] = bp
			o.ports.addUser(portName, "bridge port")
			o.env.Events.emitBridgePort(BridgePortEvent{Port: portName, PortID: bp.portID, BridgePort: bp.id, Added: true})
			if t != nil {
				t.Fail(err)
			}
		}
	})
	if err != nil && t != nil {
		t.Fail(err)
	}
}

// UseBridgePort records that an extra row references the port's bridge
// port (e.g. an isolation group member), keeping it while the port leaves
// its VLANs; ReleaseBridgePort undoes it. They are for the VLT orchs.
func (o *vlanOrch) UseBridgePort(port, user string) bool {
	bp := o.bps[port]
	if bp == nil {
		return false
	}
	bp.users.add(user)
	return true
}

// ReleaseBridgePort implements the other half of UseBridgePort.
func (o *vlanOrch) ReleaseBridgePort(port, user string) {
	bp := o.bps[port]
	if bp == nil {
		return
	}
	bp.users.del(user)
	o.maybeRemoveBridgePort(nil, port)
}

// memberships counts the VLANs a port or LAG is a member of.
func (o *vlanOrch) memberships(port string) int {
	n := 0
	for _, v := range o.vlans {
		if v.members[port] != nil {
			n++
		}
	}
	return n
}
