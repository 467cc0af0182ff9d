package orchagent

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// SwitchInfo is the switch orchagent created and the platform's default
// objects, read once at start.
type SwitchInfo struct {
	ID            uint64
	MAC           net.HardwareAddr // nil if neither given nor readable
	CPUPort       uint64
	VirtualRouter uint64
	Bridge1Q      uint64
	DefaultVlan   uint64
	TrapGroup     uint64
	Ports         []PlatformPort
}

// PlatformPort is one port of the platform.
type PlatformPort struct {
	ID        uint64
	Lanes     []uint32
	OperUp    bool
	OperKnown bool
}

// initSwitch creates the switch object (INIT_SWITCH, SRC_MAC_ADDRESS when
// mac is set) and reads the default objects and the ports' lanes.
func initSwitch(ctx context.Context, c Client, mac net.HardwareAddr, log zerolog.Logger) (*SwitchInfo, error) {
	sw := &SwitchInfo{ID: c.SwitchID(), MAC: mac}
	if err := createSwitch(ctx, c, mac); err != nil {
		return nil, err
	}
	got, err := c.Get(ctx, sairedis.ObjectKey(sw.ID), attrSwitchPortList, attrSwitchCPUPort, attrSwitchDefaultVR,
		attrSwitchDefault1QBr, attrSwitchDefaultVlan, attrSwitchDefTrapGroup)
	if err != nil {
		return nil, fmt.Errorf("switch default objects: %w", err)
	}
	oid := func(id string, dst *uint64) error {
		v, ok := sairedis.Lookup(got, id)
		if !ok {
			return fmt.Errorf("switch: %s not returned", id)
		}
		x, err := sairedis.ParseOID(v)
		if err != nil {
			return fmt.Errorf("switch: %s: %w", id, err)
		}
		*dst = x
		return nil
	}
	if err := errors.Join(oid(attrSwitchCPUPort, &sw.CPUPort), oid(attrSwitchDefaultVR, &sw.VirtualRouter),
		oid(attrSwitchDefault1QBr, &sw.Bridge1Q), oid(attrSwitchDefaultVlan, &sw.DefaultVlan),
		oid(attrSwitchDefTrapGroup, &sw.TrapGroup)); err != nil {
		return nil, err
	}
	pl, _ := sairedis.Lookup(got, attrSwitchPortList)
	ports, err := sairedis.ParseOIDList(pl)
	if err != nil {
		return nil, fmt.Errorf("switch: %s: %w", attrSwitchPortList, err)
	}
	if mac == nil {
		if a, err := c.Get(ctx, sairedis.ObjectKey(sw.ID), attrSwitchSrcMAC); err == nil {
			if v, ok := sairedis.Lookup(a, attrSwitchSrcMAC); ok {
				sw.MAC, _ = net.ParseMAC(v)
			}
		} else {
			log.Warn().Err(err).Msg("switch MAC unknown; router interfaces get the platform default")
		}
	}
	for _, p := range ports {
		pp, err := readPort(ctx, c, p)
		if err != nil {
			return nil, err
		}
		sw.Ports = append(sw.Ports, pp)
	}
	log.Info().Str("switch", sairedis.FormatOID(sw.ID)).Int("ports", len(sw.Ports)).Stringer("mac", sw.MAC).
		Str("vr", sairedis.FormatOID(sw.VirtualRouter)).Str("cpu_port", sairedis.FormatOID(sw.CPUPort)).Msg("switch ready")
	return sw, nil
}

// createSwitch sends the switch create (INIT_SWITCH, SRC_MAC_ADDRESS when
// mac is set) and waits for its status.
func createSwitch(ctx context.Context, c Client, mac net.HardwareAddr) error {
	attrs := []sairedis.Attr{sairedis.Bool(attrSwitchInitSwitch, true)}
	if mac != nil {
		attrs = append(attrs, sairedis.MAC(attrSwitchSrcMAC, mac))
	}
	b := c.NewBatch()
	if err := b.CreateKey(sairedis.ObjectKey(c.SwitchID()), attrs...); err != nil {
		return err
	}
	res, err := b.Flush(ctx)
	if err != nil {
		return fmt.Errorf("create switch: %w", err)
	}
	if res[0].Err != nil {
		return fmt.Errorf("create switch: %w", res[0].Err)
	}
	return nil
}

// readPort reads a platform port's lanes and oper status.
func readPort(ctx context.Context, c Client, id uint64) (PlatformPort, error) {
	pp := PlatformPort{ID: id}
	a, err := c.Get(ctx, sairedis.ObjectKey(id), attrPortLanes)
	if err != nil {
		return pp, fmt.Errorf("port %s lanes: %w", sairedis.FormatOID(id), err)
	}
	v, _ := sairedis.Lookup(a, attrPortLanes)
	if pp.Lanes, err = sairedis.ParseU32List(v); err != nil {
		return pp, fmt.Errorf("port %s: %s: %w", sairedis.FormatOID(id), attrPortLanes, err)
	}
	if a, err := c.Get(ctx, sairedis.ObjectKey(id), attrPortOperStatus); err == nil {
		if v, ok := sairedis.Lookup(a, attrPortOperStatus); ok {
			pp.OperUp, pp.OperKnown = v == operStatusUp, true
		}
	}
	return pp, nil
}
