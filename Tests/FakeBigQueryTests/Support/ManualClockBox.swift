import Common
import Foundation

/// A manual clock starting at the real current time, so assertions built from it look current.
enum ManualClockBox {
    static func make() -> ManualClock { ManualClock(start: Date()) }
}
