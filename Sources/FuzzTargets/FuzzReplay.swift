import Foundation

/// Replays fuzz inputs (corpus files, crash reproducers) through a ``FuzzTarget`` in an ordinary build: what a
/// fuzz executable does when it is built without libFuzzer, and what the corpus replay test does.
///
/// A crashing input crashes the process, as it would under libFuzzer; everything else is printed with its
/// outcome.
public enum FuzzReplay {
    /// The regular files under `paths` (files as given, directories walked recursively), sorted by path.
    ///
    /// - Throws: when a path does not exist or a directory cannot be listed.
    public static func files(under paths: [String]) throws -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            guard isDirectory.boolValue else {
                found.append(path)
                continue
            }
            for case let relative as String in manager.enumerator(atPath: path)?.allObjects ?? [] {
                let full = "\(path)/\(relative)"
                var isSubdirectory: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &isSubdirectory), !isSubdirectory.boolValue,
                    !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                    !isOpenCrash(full)
                {
                    found.append(full)
                }
            }
        }
        return found.sorted()
    }

    /// Whether `path` is a crash input whose fix has not landed yet: `crashes/open-*`. Replaying it would kill the
    /// replaying process (and every other test in it), so replays skip it and ``openCrashes(under:)`` reports it;
    /// the fix renames it to drop `open-`, which puts it back into every replay.
    public static func isOpenCrash(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count >= 2 && parts[parts.count - 2] == "crashes" && parts[parts.count - 1].hasPrefix("open-")
    }

    /// The open crash inputs under `directory` (see ``isOpenCrash(_:)``), sorted.
    public static func openCrashes(under directory: String) -> [String] {
        let crashes = "\(directory)/crashes"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: crashes)) ?? []
        return names.map { "\(crashes)/\($0)" }.filter(isOpenCrash).sorted()
    }

    /// The command-line body of a fuzz executable built without libFuzzer: replays every file under the
    /// arguments and prints each outcome.
    ///
    /// - Returns: the process exit status: 0, or 64 (`EX_USAGE`) without arguments, 66 (`EX_NOINPUT`) when a
    ///   path is missing.
    public static func main(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        guard !arguments.isEmpty else {
            print(
                """
                usage: \(target.rawValue) FILE|DIRECTORY...
                Replays each input through the \(target.rawValue) harness (this build has no libFuzzer; \
                scripts/fuzz.sh builds the fuzzing one).
                """
            )
            return 64
        }
        let files: [String]
        do {
            files = try self.files(under: arguments)
        } catch {
            print("\(target.rawValue): \(error.localizedDescription)")
            return 66
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(target.rawValue): cannot read \(file)")
                return 66
            }
            // The name goes out before the run, so a crash report follows the name of the input that caused it.
            print("\(file): ", terminator: "")
            fflush(nil)
            print(target.run(Array(data)))
        }
        print("\(target.rawValue): \(files.count) inputs replayed, no crash")
        return 0
    }
}
