package vs

import (
	"sync/atomic"
)

// port is a physical port (or the CPU port) at run time.
type port struct {
	obj      *object
	name     string
	cpu      bool
	wire     Wire // nil for the CPU port
	lag      *lag // when a LAG member
	lagm     *object
	counters portCounters
	capture  *captureRing

	// Link state. linkUp is the control service's SetLink (default up);
	// carrier is what the wire reports. Both change under the switch's
	// write lock; operUp = admin && linkUp && carrier.
	linkUp  bool
	carrier atomic.Bool
	operUp  bool
}

func (p *port) adminUp() bool { return p.obj.boolAttr(aPortAdmin, false) }

// localUp is what our end of the cable advertises: admin up and not
// pulled by SetLink.
func (p *port) localUp() bool { return p.adminUp() && p.linkUp }

// ingressEnabled reports whether a LAG member accepts frames.
func (p *port) ingressEnabled() bool {
	return p.lagm == nil || !p.lagm.boolAttr(aLAGMIngDis, false)
}

func (p *port) egressEnabled() bool {
	return p.lagm == nil || !p.lagm.boolAttr(aLAGMEgrDis, false)
}

// lagOID is the LAG the port belongs to, 0 when none.
func (p *port) lagOID() uint64 {
	if p.lag != nil {
		return p.lag.obj.oid
	}
	return 0
}

// ifOID is the logical interface of the port: its LAG or itself.
func (p *port) ifOID() uint64 {
	if p.lag != nil {
		return p.lag.obj.oid
	}
	return p.obj.oid
}
