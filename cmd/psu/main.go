// Command psu runs a Professional Support Unit. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/psu-project/psu/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
