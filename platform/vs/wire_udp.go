package vs

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// UDP wire datagrams carry a 4-octet header: "VS", version 1, a type.
// Type 0 carries one Ethernet frame after the header. Type 1 is a
// link-state datagram with one flags octet: bit 0 = the sender's end is up
// (admin up, not pulled), bit 1 = the sender hears us. Each end sends one
// every hello interval, and at once when its state changes or when the
// peer says it does not hear us; carrier is "the peer is up and was heard
// within three hellos", so pulling one end takes the other down within a
// datagram's flight and a dead peer within three hellos.
const (
	udpMagic0, udpMagic1 = 'V', 'S'
	udpVersion           = 1
	udpTypeFrame         = 0
	udpTypeLink          = 1
	udpHeader            = 4
	udpFlagUp            = 1
	udpFlagHear          = 2
)

type udpWire struct {
	conn    *net.UDPConn
	peer    *net.UDPAddr
	hello   time.Duration
	localUp atomic.Bool
	kick    chan struct{} // local state changed: send a link datagram now

	// Owned by the link loop.
	linkIn    chan byte // flags of received link datagrams
	peerUp    bool
	lastHeard time.Time
	carrier   bool

	h        WireHandler
	done     chan struct{}
	linkDone chan struct{}
	wg       sync.WaitGroup
	closed   sync.Once
}

func newUDPWire(local, peer string, hello time.Duration) (*udpWire, error) {
	la, err := net.ResolveUDPAddr("udp", local)
	if err != nil {
		return nil, fmt.Errorf("udp wire local %s: %w", local, err)
	}
	pa, err := net.ResolveUDPAddr("udp", peer)
	if err != nil {
		return nil, fmt.Errorf("udp wire peer %s: %w", peer, err)
	}
	conn, err := net.ListenUDP("udp", la)
	if err != nil {
		return nil, fmt.Errorf("udp wire: %w", err)
	}
	_ = conn.SetReadBuffer(4 << 20)
	_ = conn.SetWriteBuffer(4 << 20)
	return &udpWire{conn: conn, peer: pa, hello: hello, kick: make(chan struct{}, 1),
		linkIn: make(chan byte, 64), done: make(chan struct{}), linkDone: make(chan struct{})}, nil
}

func (w *udpWire) Start(h WireHandler) {
	w.h = h
	w.wg.Add(1)
	go w.readLoop()
	go w.linkLoop()
}

func (w *udpWire) Send(frame []byte) error {
	if len(frame) > MaxFrame {
		return fmt.Errorf("udp wire: %w: %d", ErrOversize, len(frame))
	}
	if !w.localUp.Load() {
		return errors.New("udp wire: link is down")
	}
	b := make([]byte, udpHeader+len(frame))
	b[0], b[1], b[2], b[3] = udpMagic0, udpMagic1, udpVersion, udpTypeFrame
	copy(b[udpHeader:], frame)
	_, err := w.conn.WriteToUDP(b, w.peer)
	return err
}

func (w *udpWire) SetLocalUp(up bool) {
	if w.localUp.Swap(up) != up {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

func (w *udpWire) Close() error {
	var err error
	w.closed.Do(func() {
		close(w.done)
		if w.h != nil {
			<-w.linkDone // the link loop sends a last "down" on its way out
		}
		err = w.conn.Close()
		w.wg.Wait()
	})
	return err
}

func (w *udpWire) sendLink(hear bool) {
	var flags byte
	if w.localUp.Load() {
		flags |= udpFlagUp
	}
	if hear {
		flags |= udpFlagHear
	}
	_, _ = w.conn.WriteToUDP([]byte{udpMagic0, udpMagic1, udpVersion, udpTypeLink, flags}, w.peer)
}

func (w *udpWire) readLoop() {
	defer w.wg.Done()
	buf := make([]byte, udpHeader+MaxFrame+1)
	for {
		n, from, err := w.conn.ReadFromUDP(buf)
		if err != nil {
			select {
			case <-w.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if !from.IP.Equal(w.peer.IP) || from.Port != w.peer.Port {
			continue // not our peer
		}
		if n < udpHeader || buf[0] != udpMagic0 || buf[1] != udpMagic1 || buf[2] != udpVersion {
			continue
		}
		switch buf[3] {
		case udpTypeFrame:
			if n-udpHeader > MaxFrame {
				w.h.Oversize(n - udpHeader)
				continue
			}
			w.h.Frame(append([]byte(nil), buf[udpHeader:n]...))
		case udpTypeLink:
			if n < udpHeader+1 {
				continue
			}
			select {
			case w.linkIn <- buf[udpHeader]:
			case <-w.done:
				return
			}
		}
	}
}

// linkLoop owns the carrier: it sends hellos, reads the peer's link
// datagrams and reports carrier changes.
func (w *udpWire) linkLoop() {
	defer close(w.linkDone)
	t := time.NewTicker(w.hello)
	defer t.Stop()
	dead := 3 * w.hello
	heard := func() bool { return !w.lastHeard.IsZero() && time.Since(w.lastHeard) < dead }
	report := func() {
		c := w.peerUp && heard()
		if c != w.carrier {
			w.carrier = c
			w.h.Carrier(c)
		}
	}
	w.sendLink(false)
	for {
		select {
		case <-w.done:
			w.localUp.Store(false)
			w.sendLink(false)
			return
		case <-w.kick:
			w.sendLink(heard())
		case flags := <-w.linkIn:
			first := !heard()
			w.lastHeard = time.Now()
			w.peerUp = flags&udpFlagUp != 0
			if flags&udpFlagHear == 0 || first {
				w.sendLink(true)
			}
			report()
		case <-t.C:
			w.sendLink(heard())
			report()
		}
	}
}
