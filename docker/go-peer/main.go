// The Go peer of the interop harness: grpc-go's server and client, driven by the Java suite
// through interop.v1.PeerControlService. See README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	_ "grpcinterop.dev/go-peer/gen" // every proto of the contract, for RunCall's descriptors
	"grpcinterop.dev/go-peer/peer"
)

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds | log.LUTC)
	config, err := parseConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		// A wrong flag or variable: one sentence on stderr and exit code 2, as the contract asks.
		fmt.Fprintf(os.Stderr, "go-peer: %v\n", err)
		os.Exit(2)
	}
	server, err := peer.NewServer(config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-peer: cannot start: %v\n", err)
		os.Exit(1)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	stopped := make(chan struct{})
	go func() {
		received := <-signals
		log.Printf("%v: shutting down: refusing new calls, in-flight calls get %v", received, peer.ShutdownGrace)
		server.Stop(peer.ShutdownGrace)
		close(stopped)
	}()

	log.Printf("serving on port %d as server id %s", server.Port(), config.ServerID)
	if config.TLS != nil {
		mode := "TLS"
		if config.TLS.ClientCAFile != "" {
			mode = "mTLS, client certificate required"
		}
		log.Printf("serving on port %d with %s", server.TLSPort(), mode)
	}
	server.Serve()
	<-stopped
	log.Print("stopped")
}

// parseConfig reads the flags, each defaulting to its environment variable.
func parseConfig(arguments []string) (peer.Config, error) {
	env := environment{}
	hostname, _ := os.Hostname()
	flags := flag.NewFlagSet("go-peer", flag.ContinueOnError)
	// Errors are reported by main, in one sentence; only -h prints the usage, to stdout.
	flags.SetOutput(io.Discard)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: go-peer [flags]; each flag defaults to the environment variable named.")
		flags.PrintDefaults()
	}
	port := flags.Int("port", env.port("PORT", 50051), "plaintext port, on 0.0.0.0 (env PORT)")
	serverID := flags.String("server-id", env.text("SERVER_ID", hostname), "the x-interop-server-id response header (env SERVER_ID)")
	tlsCert := flags.String("tls-cert", env.text("TLS_CERT_FILE", ""), "PEM certificate chain; with -tls-key, turns the TLS port on (env TLS_CERT_FILE)")
	tlsKey := flags.String("tls-key", env.text("TLS_KEY_FILE", ""), "PEM private key (env TLS_KEY_FILE)")
	tlsPort := flags.Int("tls-port", env.port("TLS_PORT", 50443), "TLS port, on 0.0.0.0 (env TLS_PORT)")
	tlsClientCA := flags.String("tls-client-ca", env.text("TLS_CLIENT_CA_FILE", ""), "PEM CA that must have signed client certificates: mTLS (env TLS_CLIENT_CA_FILE)")
	permitMillis := flags.Int("keepalive-permit-time-ms", env.milliseconds("KEEPALIVE_PERMIT_TIME_MS"),
		"permit client pings this often, with or without calls; 0 keeps grpc-go's policy (env KEEPALIVE_PERMIT_TIME_MS)")
	if env.err != nil {
		return peer.Config{}, env.err
	}
	err := flags.Parse(arguments)
	if errors.Is(err, flag.ErrHelp) {
		flags.SetOutput(os.Stdout)
		flags.Usage()
		return peer.Config{}, err
	}
	if err != nil {
		return peer.Config{}, err
	}
	if flags.NArg() > 0 {
		return peer.Config{}, fmt.Errorf("unexpected argument %q: every setting is a flag", flags.Arg(0))
	}
	for name, value := range map[string]int{"port": *port, "tls-port": *tlsPort} {
		if value < 0 || value > 65535 {
			return peer.Config{}, fmt.Errorf("-%s %d is not a port number", name, value)
		}
	}
	if *permitMillis < 0 {
		return peer.Config{}, fmt.Errorf("-keepalive-permit-time-ms %d is negative", *permitMillis)
	}
	config := peer.Config{Port: *port, ServerID: *serverID, KeepalivePermitTime: time.Duration(*permitMillis) * time.Millisecond}
	if (*tlsCert == "") != (*tlsKey == "") {
		return config, errors.New("a TLS certificate (TLS_CERT_FILE, -tls-cert) and its key (TLS_KEY_FILE, -tls-key) go together")
	}
	if *tlsCert != "" {
		config.TLS = &peer.TLSConfig{Port: *tlsPort, CertFile: *tlsCert, KeyFile: *tlsKey, ClientCAFile: *tlsClientCA}
	}
	return config, nil
}

// environment reads the variables that give the flags their defaults; err keeps the first wrong one.
type environment struct {
	err error
}

func (e *environment) text(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func (e *environment) port(name string, fallback int) int {
	value := os.Getenv(name)
	if value == "" {
		return fallback
	}
	number, err := strconv.Atoi(value)
	if err != nil || number < 0 || number > 65535 {
		e.fail(fmt.Errorf("%s=%q is not a port number", name, value))
		return fallback
	}
	return number
}

func (e *environment) milliseconds(name string) int {
	value := os.Getenv(name)
	if value == "" {
		return 0
	}
	number, err := strconv.Atoi(value)
	if err != nil || number < 0 {
		e.fail(fmt.Errorf("%s=%q is not a number of milliseconds", name, value))
		return 0
	}
	return number
}

func (e *environment) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}
