package syncd

import (
	"context"
	"encoding/json"
	"fmt"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// Notification names and enum values in the sairedis serialization.
const (
	ntfPortStateChange  = "port_state_change"
	ntfFdbEvent         = "fdb_event"
	ntfSwitchShutdown   = "switch_shutdown_request"
	portOperStatusUp    = "SAI_PORT_OPER_STATUS_UP"
	portOperStatusDown  = "SAI_PORT_OPER_STATUS_DOWN"
	fdbAttrType         = "SAI_FDB_ENTRY_ATTR_TYPE"
	fdbAttrBridgePortID = "SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID"
	fdbTypeDynamic      = "SAI_FDB_ENTRY_TYPE_DYNAMIC"
)

var fdbEventNames = map[halv1.FdbEvent_Kind]string{
	halv1.FdbEvent_KIND_LEARNED: "SAI_FDB_EVENT_LEARNED",
	halv1.FdbEvent_KIND_AGED:    "SAI_FDB_EVENT_AGED",
	halv1.FdbEvent_KIND_MOVE:    "SAI_FDB_EVENT_MOVE",
	halv1.FdbEvent_KIND_FLUSHED: "SAI_FDB_EVENT_FLUSHED",
}

type portStateNtf struct {
	PortID    string `json:"port_id"`
	PortState string `json:"port_state"`
}

type ntfAttr struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

type fdbNtf struct {
	FdbEntry string    `json:"fdb_entry"`
	FdbEvent string    `json:"fdb_event"`
	List     []ntfAttr `json:"list"`
}

type switchShutdownNtf struct {
	SwitchID string `json:"switch_id"`
}

// handleEvent translates one platform event (RIDs → VIDs) and publishes it.
func (s *Syncd) handleEvent(ctx context.Context, ev *halv1.Event) error {
	if s.cfg.Notifier == nil {
		return nil
	}
	if s.switchVID == 0 {
		// No switch object yet (orchagent has not created it): nobody can
		// know the objects an event names. The ports' states are read at
		// discovery.
		s.log.Debug().Msg("platform event before the switch create dropped")
		return nil
	}
	op, data, err := s.serializeEvent(ev)
	if err != nil {
		s.log.Warn().Err(err).Msg("platform event dropped")
		return nil
	}
	if op == "" {
		return nil
	}
	if err := s.state.flush(ctx); err != nil { // VIDs allocated for the event
		return err
	}
	if err := s.cfg.Notifier.Notify(ctx, op, data, nil); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.log.Error().Err(err).Str("notification", op).Msg("publish")
		return nil
	}
	s.stats.notifications++
	return nil
}

func (s *Syncd) serializeEvent(ev *halv1.Event) (op, data string, err error) {
	switch e := ev.GetEvent().(type) {
	case *halv1.Event_PortOperStatus:
		vid, ok := s.vidOf(e.PortOperStatus.GetPortId())
		if !ok {
			return "", "", fmt.Errorf("port_state_change: unknown port %s", formatOID(e.PortOperStatus.GetPortId()))
		}
		st := portOperStatusDown
		if e.PortOperStatus.GetUp() {
			st = portOperStatusUp
		}
		b, _ := json.Marshal([]portStateNtf{{PortID: formatOID(vid), PortState: st}})
		return ntfPortStateChange, string(b), nil
	case *halv1.Event_Fdb:
		name, ok := fdbEventNames[e.Fdb.GetKind()]
		if !ok {
			return "", "", fmt.Errorf("fdb_event: kind %v", e.Fdb.GetKind())
		}
		key := &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY, Key: &halv1.ObjectKey_FdbEntry{FdbEntry: e.Fdb.GetEntry()}}
		vkey, err := mapKey(key, s.vidOf)
		if err != nil {
			return "", "", fmt.Errorf("fdb_event: %w", err)
		}
		entry, err := formatObjectID(vkey)
		if err != nil {
			return "", "", fmt.Errorf("fdb_event: %w", err)
		}
		bp := uint64(0)
		if rid := e.Fdb.GetBridgePortId(); rid != 0 {
			if bp, ok = s.vidOf(rid); !ok {
				return "", "", fmt.Errorf("fdb_event: unknown bridge port %s", formatOID(rid))
			}
		}
		b, _ := json.Marshal([]fdbNtf{{FdbEntry: entry, FdbEvent: name, List: []ntfAttr{
			{ID: fdbAttrType, Value: fdbTypeDynamic},
			{ID: fdbAttrBridgePortID, Value: formatOID(bp)},
		}}})
		return ntfFdbEvent, string(b), nil
	case *halv1.Event_SwitchShutdown:
		b, _ := json.Marshal(switchShutdownNtf{SwitchID: formatOID(s.switchVID)})
		return ntfSwitchShutdown, string(b), nil
	}
	return "", "", nil
}
