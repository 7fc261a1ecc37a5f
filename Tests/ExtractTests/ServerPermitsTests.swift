import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Extract

@Suite struct ServerPermitsTests {
    /// The server key is scheme://host:port without user info, path or query.
    @Test func serverKeyIgnoresPathAndUserInfo() {
        #expect(
            ServerPermits.serverKey("https://u:p@ERP.example.com:8443/odata/A?$top=1") == "https://erp.example.com:8443"
        )
        #expect(ServerPermits.serverKey("http://h/SYSPROWCFService/Rest/Logon") == "http://h")
    }

    /// No more than the limit of requests run at once against one server.
    @Test func atMostTwoConcurrentRequestsPerServer() {
        let permits = ServerPermits()
        let state = Mutex((current: 0, peak: 0))
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            permits.withPermit(url: "http://one:1/x", limit: 2) {
                state.withLock {
                    $0.current += 1
                    $0.peak = max($0.peak, $0.current)
                }
                usleep(20_000)
                state.withLock { $0.current -= 1 }
            }
        }
        #expect(state.withLock { $0.peak } <= 2)
    }
}
