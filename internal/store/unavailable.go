package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Unavailable reports whether err says the database cannot be reached or
// cannot take work just now (stopped, unreachable, restarting, out of
// connections, locked past the busy timeout, its file gone, its disk full),
// rather than that a query or the data is wrong. The same request may
// succeed later, so the web layer answers 503 with Retry-After, not 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	return sqliteUnavailable(err) || postgresUnavailable(err) || networkDown(err)
}

func sqliteUnavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
		return true
	case sqlite3.SQLITE_READONLY:
		// Plain SQLITE_READONLY is a write through the query_only read pool:
		// a bug. The extended codes say the file was moved, deleted or
		// could not be locked.
		return se.Code() != sqlite3.SQLITE_READONLY
	}
	return false
}

func postgresUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.Is(err, pgconn.ErrConnClosed) || pgconn.SafeToRetry(err) {
		return true
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || len(pe.Code) != 5 {
		return false
	}
	switch {
	case pe.Code[:2] == "08": // connection_exception
		return true
	case pe.Code[:2] == "53": // insufficient_resources: disk full, out of memory, too many connections
		return true
	case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
		return true
	}
	return false
}

// networkDown is a connection to the database server refused, reset or
// broken at the socket, or cut in the middle of a reply (what a pooled
// PostgreSQL connection reports on its first use after the server stopped).
func networkDown(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}
