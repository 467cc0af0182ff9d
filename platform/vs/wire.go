package vs

import (
	"errors"
	"fmt"

	"github.com/rs/zerolog"
)

// Wire is the cable of one port: it sends frames, delivers the frames it
// receives and reports carrier (whether the far end is up).
type Wire interface {
	// Start begins delivering received frames and carrier changes to h;
	// it returns at once. h is never called from within Send or
	// SetLocalUp.
	Start(h WireHandler)
	// Send transmits one Ethernet frame (without FCS).
	Send(frame []byte) error
	// SetLocalUp sets what our end advertises (admin up and not pulled),
	// so the far end's carrier follows.
	SetLocalUp(up bool)
	// Close stops the wire and waits for its goroutines.
	Close() error
}

// WireHandler receives what a wire delivers.
type WireHandler interface {
	Frame(frame []byte) // a received frame; the wire does not reuse it
	Carrier(up bool)    // the far end came up or went down
	Oversize(n int)     // a received frame longer than MaxFrame was dropped
}

// ErrOversize is returned for frames longer than MaxFrame.
var ErrOversize = fmt.Errorf("frame longer than %d octets", MaxFrame)

// ErrShortFrame is returned for frames shorter than an Ethernet header.
var ErrShortFrame = errors.New("frame shorter than an Ethernet header (14 octets)")

// checkFrame validates a frame's length.
func checkFrame(frame []byte) error {
	switch {
	case len(frame) > MaxFrame:
		return fmt.Errorf("%w: %d", ErrOversize, len(frame))
	case len(frame) < 14:
		return fmt.Errorf("%w: %d", ErrShortFrame, len(frame))
	}
	return nil
}

// newWire opens the wire a port's configuration names.
func newWire(c *Config, p PortConfig, log zerolog.Logger) (Wire, error) {
	switch p.Wire.Type {
	case WireUDP:
		return newUDPWire(p.Wire.Local, p.Wire.Peer, c.UDPHello)
	case WireAFPacket:
		return newAFPacketWire(p.Wire.IfName, c.LinkPoll, log.With().Str("port", p.Name).Str("ifname", p.Wire.IfName).Logger())
	}
	return noWire{}, nil
}

// noWire is a port without a cable: carrier is always present and frames
// sent go nowhere (the capture buffer still sees them).
type noWire struct{}

func (noWire) Start(h WireHandler) { h.Carrier(true) }
func (noWire) Send([]byte) error   { return nil }
func (noWire) SetLocalUp(bool)     {}
func (noWire) Close() error        { return nil }
