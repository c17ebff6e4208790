package cli

import (
	"context"
	"errors"
	"io"
)

// ExitInterrupted is the exit of a run stopped by Ctrl-C (SIGINT cancels the
// context Main is given): 128 + SIGINT, as shells report it.
const ExitInterrupted = 130

// interrupted reports whether err ends a run that ctx's cancellation stopped.
// Whatever error a cancelled step returns ("context canceled", an evaluation
// halted, a collector's wrapped error) it is an interruption; a gate verdict
// (exit 1) or a nothing-assessed verdict (exit 3) is only reached after the
// outputs were written, so it is kept.
func interrupted(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() == nil {
		return false
	}
	var ee *exitError
	if errors.As(err, &ee) && (ee.code == ExitGateFailed || ee.code == ExitIncomplete) {
		return false
	}
	return true
}

// writeFileCtx is writeFileAtomic for a run that Ctrl-C may stop: nothing is
// written once ctx is cancelled, a write in progress stops at its next chunk,
// and the temporary file is removed rather than renamed into place, so an
// interrupted run never leaves an output file, whole or partial. It is used
// wherever a file follows a step that can be interrupted (collecting facts,
// scanning images or code) and no evaluation (which stops on cancellation)
// comes between.
func writeFileCtx(ctx context.Context, file string, content func(io.Writer) error) error {
	return writeFileAtomic(file, func(w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := content(ctxWriter{ctx, w}); err != nil {
			return err
		}
		return ctx.Err() // checked again before the rename
	})
}

// ctxWriter fails every write once ctx is cancelled.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
