public import Common

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a secret from standard input: on a terminal, a prompt with echo turned off (termios), asked twice;
/// otherwise one line from the pipe (`printf '%s\n' "$PASSWORD" | syspro-bq creds set syspro-password`).
///
/// The secret is collected byte by byte with `read(2)` into a buffer that is zeroed afterwards, and never passes
/// through a `String` until it becomes a ``Secret``. Not thread-safe: it owns the terminal while it runs.
public enum PasswordPrompt {
    /// The longest secret accepted on one line (a service-account key is imported from a file instead).
    static let maximumLength = 4096

    /// Reads one secret.
    ///
    /// - Parameters:
    ///   - prompt: shown on stderr when stdin is a terminal, e.g. `SYSPRO password for operator BQSYNC: `.
    ///   - writer: where prompts go.
    /// - Throws: `.usage` when the input is empty, longer than 4096 bytes, or the two entries differ.
    public static func read(prompt: String, writer: TerminalWriter = .standardError) throws(SysproBQError) -> Secret {
        guard isatty(STDIN_FILENO) == 1 else {
            return try validated(readLine(from: STDIN_FILENO))
        }
        let first = try withEchoDisabled { () throws(SysproBQError) in
            TerminalWriter.writeAll(prompt, to: STDERR_FILENO)
            defer { TerminalWriter.writeAll("\n", to: STDERR_FILENO) }
            return try readLine(from: STDIN_FILENO)
        }
        let secret = try validated(first)
        let second = try withEchoDisabled { () throws(SysproBQError) in
            TerminalWriter.writeAll("Again, to confirm: ", to: STDERR_FILENO)
            defer { TerminalWriter.writeAll("\n", to: STDERR_FILENO) }
            return try readLine(from: STDIN_FILENO)
        }
        guard second == secret else {
            throw SysproBQError(.usage, "the two entries differ; nothing was stored", disposition: .terminal)
        }
        return secret
    }

    /// Refuses empty input.
    static func validated(_ secret: Secret) throws(SysproBQError) -> Secret {
        guard secret.count > 0 else {
            throw SysproBQError(
                .usage,
                "no secret was given on standard input; nothing was stored",
                remedy: "type it at the prompt, or pipe one line: printf '%s\\n' \"$PASSWORD\" | syspro-bq creds set …",
                disposition: .terminal
            )
        }
        return secret
    }

    /// Reads bytes up to a newline or end of input; drops the line ending (`\n` or `\r\n`).
    static func readLine(from descriptor: Int32) throws(SysproBQError) -> Secret {
        var buffer = [UInt8](repeating: 0, count: maximumLength + 1)
        defer { for index in buffer.indices { buffer[index] = 0 } }
        var count = 0
        var byte: UInt8 = 0
        while true {
            let result = readOneByte(descriptor, &byte)
            if result < 0 {
                if errno == EINTR { continue }
                throw SysproBQError(
                    .fileSystem,
                    "cannot read the secret from standard input",
                    cause: .errno(errno, call: "read"),
                    disposition: .terminal
                )
            }
            if result == 0 || byte == UInt8(ascii: "\n") { break }
            guard count < maximumLength else {
                throw SysproBQError(
                    .usage,
                    "the secret on standard input is longer than \(maximumLength) bytes; nothing was stored",
                    disposition: .terminal
                )
            }
            buffer[count] = byte
            count += 1
        }
        byte = 0
        if count > 0 && buffer[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        return Secret(bytes: Array(buffer[0..<count]))
    }

    /// Runs `body` with terminal echo off, restoring the previous settings afterwards, even on error.
    static func withEchoDisabled<Result>(
        _ body: () throws(SysproBQError) -> Result
    ) throws(SysproBQError) -> Result {
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return try body() }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
        return try body()
    }
}

/// `read(2)` of one byte; a free function because `PasswordPrompt.read` shadows the C name inside the type.
private func readOneByte(_ descriptor: Int32, _ byte: inout UInt8) -> Int {
    read(descriptor, &byte, 1)
}
