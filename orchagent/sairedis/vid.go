package sairedis

import (
	"context"
	"fmt"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// MakeVID builds a VID (sairedis layout, hal/sai: bits 63–56 switch
// index, 55–48 object type, 38–0 a counter from VIDCOUNTER).
func MakeVID(switchIndex uint8, t halv1.ObjectType, counter uint64) uint64 {
	return sai.VID(switchIndex, t, counter)
}

// VIDType is the object type encoded in a VID.
func VIDType(vid uint64) halv1.ObjectType { return sai.VIDType(vid) }

// SwitchVID is the VID of switch index i: sairedis gives the switch object
// the counter value equal to its index, so it is the same on every start.
func SwitchVID(i uint8) uint64 { return MakeVID(i, halv1.ObjectType_OBJECT_TYPE_SWITCH, uint64(i)) }

// Counter increments the ASIC_DB VIDCOUNTER (INCRBY n) and returns the new
// value.
type Counter interface {
	IncrBy(ctx context.Context, n int64) (int64, error)
}

// vidPool hands out counter values reserved by one INCRBY per chunk.
type vidPool struct {
	counter Counter
	chunk   int64
	next    uint64 // next free counter value
	end     uint64 // one past the last reserved value
}

func (p *vidPool) alloc(ctx context.Context) (uint64, error) {
	if p.next == p.end {
		v, err := p.counter.IncrBy(ctx, p.chunk)
		if err != nil {
			return 0, fmt.Errorf("sairedis: INCRBY VIDCOUNTER %d: %w", p.chunk, err)
		}
		p.end = uint64(v) + 1
		p.next = p.end - uint64(p.chunk)
	}
	n := p.next
	p.next++
	return n, nil
}
