import Common
import Foundation
import Testing

@Suite struct GzipInteroperabilityTests {
    /// The system `gzip -d` reads our output back to the original bytes, and `gzip -t` accepts it.
    @Test(arguments: [Int32(1), 6, 9])
    func systemGzipReadsOurOutput(level: Int32) throws {
        try TemporaryDirectory.with { directory in
            let input = TestBytes.text(count: 2_000_000)
            try directory.write(try Gzip.compress(input, level: level), to: "ours.gz")
            let test = try Shell.run("gzip -t \(Shell.quote(directory.file("ours.gz")))")
            #expect(test.status == 0, "gzip -t: \(test.standardError)")
            let result = try Shell.run(
                "gzip -dc \(Shell.quote(directory.file("ours.gz"))) > \(Shell.quote(directory.file("plain")))"
            )
            #expect(result.status == 0, "gzip -dc: \(result.standardError)")
            #expect(try directory.read("plain") == input)
        }
    }

    /// Output of the system `gzip -c` (which records a file name and time in its header) decompresses exactly.
    @Test func weReadSystemGzipOutput() throws {
        try TemporaryDirectory.with { directory in
            let input = TestBytes.text(count: 1_500_000)
            try directory.write(input, to: "plain")
            let result = try Shell.run(
                "gzip -6 -c \(Shell.quote(directory.file("plain"))) > \(Shell.quote(directory.file("plain.gz")))"
            )
            #expect(result.status == 0)
            #expect(try Gzip.decompress(directory.read("plain.gz")) == input)
        }
    }

    /// Three gzip members joined with `cat` decompress to the concatenation, as with `zcat`, however the input
    /// is split into pieces.
    @Test(arguments: [1, 7, 4096, Int.max])
    func concatenatedMembersDecompressLikeZcat(pieceSize: Int) throws {
        try TemporaryDirectory.with { directory in
            let parts = [
                TestBytes.text(count: 50_000, seed: 1), TestBytes.text(count: 1, seed: 2),
                TestBytes.text(count: 120_000, seed: 3),
            ]
            var command = ""
            for (index, part) in parts.enumerated() {
                try directory.write(part, to: "part\(index)")
                command += "gzip -c \(Shell.quote(directory.file("part\(index)"))) > "
                command += "\(Shell.quote(directory.file("part\(index).gz"))) && "
            }
            command +=
                "cat "
                + (0..<parts.count).map { Shell.quote(directory.file("part\($0).gz")) }
                .joined(separator: " ")
            command += " > \(Shell.quote(directory.file("all.gz")))"
            let result = try Shell.run(command)
            #expect(result.status == 0, "\(result.standardError)")

            let compressed = try directory.read("all.gz")
            let decompressor = try GzipDecompressor()
            var output: [UInt8] = []
            var offset = 0
            while offset < compressed.count {
                let end = offset + min(pieceSize, compressed.count - offset)
                try compressed[offset..<end].withUnsafeBytes { piece in
                    try decompressor.update(piece) { output.append(contentsOf: $0) }
                }
                offset = end
            }
            try decompressor.finish()
            #expect(output == parts.flatMap { $0 })
            #expect(decompressor.membersCompleted == 3)
            #expect(decompressor.compressedBytesConsumed == Int64(compressed.count))
        }
    }
}
