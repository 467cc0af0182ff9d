// Command vsd is the virtual switch platform: it serves the HAL (and the
// test-control service) for one virtual switch described by a platform
// file.
//
//	vsd --config platform.yaml --socket /var/run/vltgw/hal.sock [--control-socket /var/run/vltgw/vs-control.sock]
//	    [--tcp :9559 --tls-cert cert.pem --tls-key key.pem] [--log-level info]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/platform/vs"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vsd:", err)
		os.Exit(1)
	}
}

func run() error {
	config := flag.String("config", "", "platform file (YAML): switch MAC, ports and wires, capacities")
	socket := flag.String("socket", "/var/run/vltgw/hal.sock", "unix socket to serve the HAL on (mode 0660)")
	control := flag.String("control-socket", "", "unix socket for the test-control service (off when empty)")
	tcp := flag.String("tcp", "", "also serve the HAL on this TCP address (needs --tls-cert and --tls-key)")
	cert := flag.String("tls-cert", "", "TLS certificate (PEM) for --tcp")
	key := flag.String("tls-key", "", "TLS key (PEM) for --tcp")
	myMAC := flag.Int("my-mac-capacity", 0, "MY_MAC table capacity (overrides the platform file; 0 = file or default 512)")
	level := flag.String("log-level", "info", "log level: debug, info, warn, error")
	flag.Parse()
	if *config == "" {
		return fmt.Errorf("--config is required")
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := zerolog.New(os.Stderr).Level(lvl).With().Timestamp().Str("daemon", "vsd").Logger()

	cfg, err := vs.LoadConfig(*config)
	if err != nil {
		return err
	}
	if *myMAC > 0 {
		cfg.Capacity.MyMAC = *myMAC
	}
	sw, err := vs.New(cfg, vs.Options{Logger: log})
	if err != nil {
		return err
	}
	srv, err := vs.Listen(sw, vs.ServeOptions{HALSocket: *socket, ControlSocket: *control, TCPAddr: *tcp, TLSCert: *cert, TLSKey: *key})
	if err != nil {
		sw.Close()
		return err
	}
	srv.Start()
	log.Info().Strs("listen", srv.Addrs()).Str("session", sw.Session()).Msg("serving")

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	var serveErr error
	select {
	case s := <-sig:
		log.Info().Str("signal", s.String()).Msg("stopping")
	case serveErr = <-srv.Errors():
		log.Error().Err(serveErr).Msg("serving failed; stopping")
	}
	closeErr := sw.Close() // Subscribe streams get the shutdown event and end
	srv.Stop(2 * time.Second)
	if serveErr != nil {
		return serveErr
	}
	return closeErr
}
