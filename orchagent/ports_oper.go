package orchagent

import (
	"encoding/json"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	"github.com/vltgw/vltgw/swss"
)

const ntfPortStateChange = "port_state_change"

type portStateNtf struct {
	PortID    string `json:"port_id"`
	PortState string `json:"port_state"`
}

// HandleNotification implements NotificationHandler: port_state_change
// updates the port's oper status, APP_DB PORT_TABLE oper_status, STATE_DB
// PORT_TABLE and the LAG it belongs to.
func (o *portsOrch) HandleNotification(n swss.Notification) {
	if n.Op != ntfPortStateChange {
		return
	}
	var list []portStateNtf
	if err := json.Unmarshal([]byte(n.Data), &list); err != nil {
		o.env.Log.Error().Str("notification", n.Op).Str("data", n.Data).Err(err).Msg("malformed notification; skipped")
		return
	}
	for _, e := range list {
		id, err := sairedis.ParseOID(e.PortID)
		if err != nil {
			o.env.Log.Error().Str("notification", n.Op).Err(err).Msg("bad port id; skipped")
			continue
		}
		pp := o.byID[id]
		if pp == nil {
			o.env.Log.Debug().Str("port", e.PortID).Msg("oper status of an unknown port")
			continue
		}
		up := e.PortState == operStatusUp
		if pp.operKnown && pp.operUp == up {
			continue
		}
		pp.operUp, pp.operKnown = up, true
		if pp.name == "" {
			continue
		}
		o.env.Log.Info().Str("port", pp.name).Str("oper_status", upDown(up)).Msg("port oper status")
		o.writeOper(pp.name, up)
		o.env.Events.emitOperStatus(OperStatusEvent{Name: pp.name, Up: up})
		if p := o.ports[pp.name]; p != nil && p.lag != "" {
			if l := o.lags[p.lag]; l != nil {
				o.updateLagOper(l)
			}
		}
	}
}

// writeOper writes a port's oper status: APP_DB PORT_TABLE:<name>
// oper_status (plain HSET, as SONiC) and STATE_DB PORT_TABLE|<name>.
func (o *portsOrch) writeOper(name string, up bool) {
	f := map[string]string{"oper_status": upDown(up)}
	o.env.State.SetApp(AppPortTable, name, f)
	o.env.State.SetState(StatePortTable, name, f)
}

// updateLagOper recomputes a LAG's oper status: up when an enabled member
// port is up.
func (o *portsOrch) updateLagOper(l *lag) {
	up := false
	for name, m := range l.members {
		if p := o.ports[name]; p != nil && m.enabled && p.pp.operUp {
			up = true
			break
		}
	}
	if up == l.operUp {
		return
	}
	l.operUp = up
	o.env.State.SetState(StateLagTable, l.name, map[string]string{"oper_status": upDown(up)})
	o.env.Events.emitOperStatus(OperStatusEvent{Name: l.name, Lag: true, Up: up})
}
