package vs

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// ServeOptions say where to serve a switch.
type ServeOptions struct {
	// HALSocket is the unix socket of the HAL (mode 0660). Required unless
	// TCPAddr is set.
	HALSocket string
	// ControlSocket, when set, serves the test-control service on its own
	// unix socket (mode 0660).
	ControlSocket string
	// TCPAddr additionally serves the HAL on TCP; it requires TLSCert and
	// TLSKey.
	TCPAddr         string
	TLSCert, TLSKey string
	// MaxMsgSize bounds request and response messages; default 256 MiB
	// (bulk writes of many thousands of entries).
	MaxMsgSize int
}

// Server serves one switch's HAL (and control service) over gRPC.
type Server struct {
	sw        *Switch
	hal       *grpc.Server
	ctl       *grpc.Server
	listeners []listener
	wg        sync.WaitGroup
	errs      chan error
	stopOnce  sync.Once
}

type listener struct {
	l   net.Listener
	srv *grpc.Server
}

// Listen opens the sockets; Serve then serves them.
func Listen(sw *Switch, o ServeOptions) (*Server, error) {
	if o.HALSocket == "" && o.TCPAddr == "" {
		return nil, errors.New("vs: no HAL socket or TCP address")
	}
	if o.TCPAddr != "" && (o.TLSCert == "" || o.TLSKey == "") {
		return nil, errors.New("vs: TCP needs --tls-cert and --tls-key")
	}
	if o.MaxMsgSize <= 0 {
		o.MaxMsgSize = 256 << 20
	}
	sizes := []grpc.ServerOption{grpc.MaxRecvMsgSize(o.MaxMsgSize), grpc.MaxSendMsgSize(o.MaxMsgSize)}
	s := &Server{sw: sw, errs: make(chan error, 4)}
	s.hal = grpc.NewServer(sizes...)
	halv1.RegisterHalServer(s.hal, NewHALServer(sw))
	closeAll := func() {
		for _, l := range s.listeners {
			_ = l.l.Close()
		}
	}
	if o.HALSocket != "" {
		l, err := listenUnix(o.HALSocket)
		if err != nil {
			return nil, err
		}
		s.listeners = append(s.listeners, listener{l, s.hal})
	}
	if o.TCPAddr != "" {
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("vs: TLS key pair: %w", err)
		}
		tlsSrv := grpc.NewServer(append(sizes, grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})))...)
		halv1.RegisterHalServer(tlsSrv, NewHALServer(sw))
		l, err := net.Listen("tcp", o.TCPAddr)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("vs: listen %s: %w", o.TCPAddr, err)
		}
		s.listeners = append(s.listeners, listener{l, tlsSrv})
	}
	if o.ControlSocket != "" {
		s.ctl = grpc.NewServer(sizes...)
		vsv1.RegisterVsControlServer(s.ctl, NewControlServer(sw))
		l, err := listenUnix(o.ControlSocket)
		if err != nil {
			closeAll()
			return nil, err
		}
		s.listeners = append(s.listeners, listener{l, s.ctl})
	}
	return s, nil
}

// listenUnix listens on a unix socket with mode 0660, replacing a stale
// socket file.
func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("vs: %s exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
			c.Close()
			return nil, fmt.Errorf("vs: %s is in use by a running server", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("vs: remove stale socket: %w", err)
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("vs: listen %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		l.Close()
		return nil, fmt.Errorf("vs: chmod %s: %w", path, err)
	}
	return l, nil
}

// Addrs lists the listening addresses.
func (s *Server) Addrs() []string {
	var out []string
	for _, l := range s.listeners {
		out = append(out, l.l.Addr().String())
	}
	return out
}

// Start serves in the background; Wait returns the first serving error.
func (s *Server) Start() {
	for _, l := range s.listeners {
		s.wg.Add(1)
		go func(l listener) {
			defer s.wg.Done()
			if err := l.srv.Serve(l.l); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
				s.errs <- err
			}
		}(l)
	}
}

// Errors delivers serving errors.
func (s *Server) Errors() <-chan error { return s.errs }

// Stop stops serving: streams end (Subscribe streams first get the
// switch's shutdown event when the switch is closed before), in-flight
// calls get up to grace to finish. The socket files are removed.
func (s *Server) Stop(grace time.Duration) {
	s.stopOnce.Do(func() {
		servers := map[*grpc.Server]bool{}
		for _, l := range s.listeners {
			servers[l.srv] = true
		}
		done := make(chan struct{})
		go func() {
			for srv := range servers {
				srv.GracefulStop()
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(grace):
			for srv := range servers {
				srv.Stop()
			}
			<-done
		}
		s.wg.Wait()
		for _, l := range s.listeners {
			_ = l.l.Close() // never served: Stop still releases the socket
		}
	})
}
