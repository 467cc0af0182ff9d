package orchagent

import (
	"sort"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

type lag struct {
	name    string
	id      uint64
	members map[string]*lagMember // port name →
	users   users
	pvid    uint16
	operUp  bool
}

type lagMember struct {
	id      uint64
	enabled bool
}

func (l *lag) info() PortInfo {
	pi := PortInfo{Name: l.name, ID: l.id, Lag: true, OperUp: l.operUp}
	for m := range l.members {
		pi.Members = append(pi.Members, m)
	}
	sort.Strings(pi.Members)
	return pi
}

func (o *portsOrch) syncLag(t *Task) Result {
	name := t.Key
	l := o.lags[name]
	if t.Op == OpDel {
		if l == nil {
			return Applied()
		}
		if len(l.members) > 0 {
			return Pending("LAG %s still has members %s", name, l.memberList())
		}
		if len(l.users) > 0 {
			return Pending("LAG %s is still used by %s", name, l.users)
		}
		delete(o.lags, name)
		delete(o.lagsByID, l.id)
		o.env.State.DelState(StateLagTable, name)
		err := o.env.ASIC.Remove(sairedis.ObjectKey(l.id), func(err error) {
			if err != nil {
				o.lags[name], o.lagsByID[l.id] = l, l
				t.Fail(err)
			}
		})
		if err != nil {
			return Failed(err)
		}
		return Applied()
	}
	if !isLagName(name) {
		return Invalid("%q is not a LAG name (want PortChannelN)", name)
	}
	if _, err := parseAdmin(t.Fields); err != nil {
		return Invalid("%v", err)
	}
	if _, err := parseMTU(t.Fields); err != nil {
		return Invalid("%v", err)
	}
	if l != nil {
		return Applied()
	}
	l = &lag{name: name, members: make(map[string]*lagMember), pvid: defaultPVID}
	id, err := o.env.ASIC.Create(tLag, nil, func(err error) {
		if err != nil && o.lags[name] == l {
			delete(o.lags, name)
			delete(o.lagsByID, l.id)
			o.env.State.DelState(StateLagTable, name)
			t.Fail(err)
		}
	})
	if err != nil {
		return Failed(err)
	}
	l.id = id
	o.lags[name], o.lagsByID[id] = l, l
	o.env.State.SetState(StateLagTable, name, map[string]string{"oper_status": "down"})
	return Applied()
}

func (l *lag) memberList() string {
	u := users{}
	for m := range l.members {
		u.add(m)
	}
	return u.String()
}

func (o *portsOrch) syncLagMember(t *Task) Result {
	lagName, portName, ok := splitKey2(t.Key)
	if !ok {
		return Invalid("key %q: want PortChannelN:EthernetM", t.Key)
	}
	l := o.lags[lagName]
	if t.Op == OpDel {
		if l == nil || l.members[portName] == nil {
			return Applied()
		}
		m := l.members[portName]
		p := o.ports[portName]
		delete(l.members, portName)
		if p != nil {
			p.lag = ""
			p.users.del(t.Name())
		}
		o.updateLagOper(l)
		err := o.env.ASIC.Remove(sairedis.ObjectKey(m.id), func(err error) {
			if err != nil {
				l.members[portName] = m
				if p != nil {
					p.lag = lagName
					p.users.add(t.Name())
				}
				o.updateLagOper(l)
				t.Fail(err)
			}
		})
		if err != nil {
			return Failed(err)
		}
		return Applied()
	}
	if !isLagName(lagName) || !isPortName(portName) {
		return Invalid("key %q: want PortChannelN:EthernetM", t.Key)
	}
	enabled := true
	switch v := t.Fields["status"]; v {
	case "", "enabled":
	case "disabled":
		enabled = false
	default:
		return Invalid("status %q: want enabled or disabled", v)
	}
	if l == nil {
		return Pending("LAG %s does not exist", lagName)
	}
	p := o.ports[portName]
	if p == nil {
		return Pending("port %s does not exist", portName)
	}
	if m := l.members[portName]; m != nil {
		if m.enabled != enabled {
			m.enabled = enabled
			undo := func() { m.enabled = !enabled }
			o.set(t, m.id, sairedis.Bool(attrLagMemberEgressDis, !enabled), undo)
			o.set(t, m.id, sairedis.Bool(attrLagMemberIngressDis, !enabled), undo)
			o.updateLagOper(l)
		}
		return Applied()
	}
	if p.lag != "" {
		return Conflict("port %s is already a member of %s", portName, p.lag)
	}
	if len(p.users) > 0 {
		return Conflict("port %s is used by %s; a LAG member cannot be", portName, p.users)
	}
	attrs := []sairedis.Attr{sairedis.OID(attrLagMemberLag, l.id), sairedis.OID(attrLagMemberPort, p.pp.id)}
	if !enabled {
		attrs = append(attrs, sairedis.Bool(attrLagMemberEgressDis, true), sairedis.Bool(attrLagMemberIngressDis, true))
	}
	m := &lagMember{enabled: enabled}
	id, err := o.env.ASIC.Create(tLagMember, attrs, func(err error) {
		if err != nil && l.members[portName] == m {
			delete(l.members, portName)
			p.lag = ""
			p.users.del(t.Name())
			o.updateLagOper(l)
			t.Fail(err)
		}
	})
	if err != nil {
		return Failed(err)
	}
	m.id = id
	l.members[portName] = m
	p.lag = lagName
	p.users.add(t.Name())
	o.updateLagOper(l)
	return Applied()
}
