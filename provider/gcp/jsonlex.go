package gcp

import (
	"bytes"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// errMalformed is the cause of an answer that is not the JSON the SDK's
// decoder (protojson) accepts; it is classified as provider.ErrBadResponse.
var errMalformed = errors.New("gcp: malformed JSON answer")

// lexer reads one JSON document accepting what protojson's lexer accepts
// (RFC 8259, strings valid UTF-8 without lone surrogate escapes, and its
// one leniency: an exponent without digits), without building a tree: the
// listing decoder asks for the values it reads and skips the rest.
type lexer struct {
	b   []byte
	i   int
	tmp []byte // scratch for unescaped strings
}

// fail returns errMalformed at the current offset.
func (l *lexer) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errMalformed, what, l.i)
}

// peek skips white space and returns the next byte, 0 at the end.
func (l *lexer) peek() byte {
	for l.i < len(l.b) {
		switch c := l.b[l.i]; c {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return c
		}
	}
	return 0
}

// end fails unless only white space is left.
func (l *lexer) end() error {
	if l.peek() != 0 || l.i < len(l.b) {
		return l.fail("content after the document")
	}
	return nil
}

// null consumes a null literal if one is next.
func (l *lexer) null() (bool, error) {
	if l.peek() != 'n' {
		return false, nil
	}
	return true, l.literal("null")
}

// literal consumes word (true, false or null).
func (l *lexer) literal(word string) error {
	if !bytes.HasPrefix(l.b[l.i:], []byte(word)) {
		return l.fail("invalid literal")
	}
	l.i += len(word)
	return nil
}

// begin consumes the opening byte of an object ('{') or array ('[').
func (l *lexer) begin(open byte) error {
	if l.peek() != open {
		return l.fail("want " + string(rune(open)))
	}
	l.i++
	return nil
}

// more reports whether another member or element follows, consuming the
// comma before it, or consumes the closing byte and reports false. first
// is true before the first member.
func (l *lexer) more(closing byte, first bool) (bool, error) {
	switch c := l.peek(); {
	case c == closing:
		l.i++
		return false, nil
	case first:
		return true, nil
	case c == ',':
		l.i++
		return true, nil
	}
	return false, l.fail("want , or " + string(rune(closing)))
}

// key reads a member's name and its colon. The result is valid until the
// next string is read.
func (l *lexer) key() ([]byte, error) {
	k, err := l.str()
	if err != nil {
		return nil, err
	}
	if l.peek() != ':' {
		return nil, l.fail("want :")
	}
	l.i++
	return k, nil
}

// str reads a string and returns its content, unescaped; the result is
// valid until the next string is read.
func (l *lexer) str() ([]byte, error) {
	if l.peek() != '"' {
		return nil, l.fail("want a string")
	}
	l.i++
	start := l.i
	for l.i < len(l.b) {
		switch c := l.b[l.i]; {
		case c == '"':
			l.i++
			return l.b[start : l.i-1], nil
		case c == '\\':
			return l.escaped(append(l.tmp[:0], l.b[start:l.i]...))
		case c < ' ':
			return nil, l.fail("control character in string")
		case c < utf8.RuneSelf:
			l.i++
		default:
			if err := l.rune(); err != nil {
				return nil, err
			}
		}
	}
	return nil, l.fail("unterminated string")
}

// rune steps over one multi-byte UTF-8 sequence.
func (l *lexer) rune() error {
	r, n := utf8.DecodeRune(l.b[l.i:])
	if r == utf8.RuneError && n == 1 {
		return l.fail("invalid UTF-8 in string")
	}
	l.i += n
	return nil
}

// escaped finishes a string with escapes; out holds its content so far.
func (l *lexer) escaped(out []byte) ([]byte, error) {
	defer func() { l.tmp = out[:0] }()
	for l.i < len(l.b) {
		switch c := l.b[l.i]; {
		case c == '"':
			l.i++
			return out, nil
		case c == '\\':
			if l.i+1 >= len(l.b) {
				return nil, l.fail("unterminated string")
			}
			switch e := l.b[l.i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := l.hex4(l.i + 2)
				if !ok {
					return nil, l.fail("invalid escape")
				}
				l.i += 6
				if utf16.IsSurrogate(r) {
					// As protojson: a surrogate must pair with the next
					// escape.
					low, ok := rune(0), l.i+1 < len(l.b) && l.b[l.i] == '\\' && l.b[l.i+1] == 'u'
					if ok {
						low, ok = l.hex4(l.i + 2)
					}
					if r = utf16.DecodeRune(r, low); !ok || r == unicode.ReplacementChar {
						return nil, l.fail("invalid surrogate escape")
					}
					l.i += 6
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return nil, l.fail("invalid escape")
			}
			l.i += 2
		case c < ' ':
			return nil, l.fail("control character in string")
		case c < utf8.RuneSelf:
			out = append(out, c)
			l.i++
		default:
			start := l.i
			if err := l.rune(); err != nil {
				return nil, err
			}
			out = append(out, l.b[start:l.i]...)
		}
	}
	return nil, l.fail("unterminated string")
}

// hex4 parses the four hex digits at b[at:].
func (l *lexer) hex4(at int) (rune, bool) {
	if at+4 > len(l.b) {
		return 0, false
	}
	var r rune
	for _, c := range l.b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number reads a number and returns its text.
func (l *lexer) number() ([]byte, error) {
	l.peek()
	start := l.i
	if l.at('-') {
		l.i++
	}
	switch {
	case l.at('0'):
		l.i++
	case l.digits() == 0:
		return nil, l.fail("invalid number")
	}
	if l.at('.') {
		l.i++
		if l.digits() == 0 {
			return nil, l.fail("invalid number")
		}
	}
	// As protojson's lexer, an exponent may have no digits ("0e" and "0e+"
	// before a delimiter are numbers to it).
	if (l.at('e') || l.at('E')) && l.i+1 < len(l.b) {
		l.i++
		if l.at('+') || l.at('-') {
			l.i++
			if l.i == len(l.b) {
				return nil, l.fail("invalid number")
			}
		}
		l.digits()
	}
	return l.b[start:l.i], nil
}

// at reports whether the next byte is c.
func (l *lexer) at(c byte) bool { return l.i < len(l.b) && l.b[l.i] == c }

// digits steps over decimal digits and returns how many.
func (l *lexer) digits() int {
	start := l.i
	for l.i < len(l.b) && '0' <= l.b[l.i] && l.b[l.i] <= '9' {
		l.i++
	}
	return l.i - start
}

// skip steps over one value of any kind, checking it. Nesting is tracked
// on an explicit stack, so no input can exhaust the goroutine's stack.
func (l *lexer) skip() error {
	var buf [32]byte
	open := buf[:0] // the containers entered, innermost last
	for {
		switch c := l.peek(); {
		case c == '{' || c == '[':
			l.i++
			if l.peek() == closer(c) {
				l.i++
				break // an empty container is a whole value
			}
			open = append(open, c)
			if c == '{' {
				if _, err := l.key(); err != nil {
					return err
				}
			}
			continue
		case c == '"':
			if _, err := l.str(); err != nil {
				return err
			}
		case c == 't':
			if err := l.literal("true"); err != nil {
				return err
			}
		case c == 'f':
			if err := l.literal("false"); err != nil {
				return err
			}
		case c == 'n':
			if err := l.literal("null"); err != nil {
				return err
			}
		case c == '-' || '0' <= c && c <= '9':
			if _, err := l.number(); err != nil {
				return err
			}
		default:
			return l.fail("want a value")
		}
		// After a value: close what ends here, then read the next member
		// or element.
		for {
			if len(open) == 0 {
				return nil
			}
			top := open[len(open)-1]
			c := l.peek()
			if c == closer(top) {
				l.i++
				open = open[:len(open)-1]
				continue
			}
			if c != ',' {
				return l.fail("want , or " + string(rune(closer(top))))
			}
			l.i++
			if top == '{' {
				if _, err := l.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// closer is the byte that closes a container opened by c.
func closer(c byte) byte {
	if c == '{' {
		return '}'
	}
	return ']'
}
