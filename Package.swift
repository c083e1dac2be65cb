// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SingleWindowGateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
    ],
    targets: [
        // C libraries, one system-library target each; `shim.h` holds the few inline wrappers
        // for variadic functions and macros that Swift cannot call.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The system's SQLite, for the store's own connections (a shim for its variadic configuration call).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The gateway's memory allocator (see Sources/gateway/MemoryAllocator.swift).
        .systemLibrary(name: "CJemalloc", pkgConfig: "jemalloc", providers: [.apt(["libjemalloc-dev"])]),

        .target(name: "GatewayCore"),
        // The store's own SQLite connections, apart from SQLiteKit: sqlite-nio's copy of SQLite
        // declares the same C types, and one Swift module cannot see both.
        .target(name: "EmbeddedSQLite", dependencies: ["CSQLite"]),
        .target(name: "LocalPostgres"),
        .target(name: "LoopbackServer", dependencies: [.product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                                                       .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .target(name: "Access", dependencies: ["GatewayCore", "COpenSSL", .product(name: "Yams", package: "Yams")]),
        .target(name: "HardenedXML", dependencies: ["GatewayCore", "CLibXML2"]),
        .target(name: "Signatures", dependencies: ["GatewayCore", "HardenedXML", "CLibXML2", "COpenSSL", "CXMLSec"]),
        .target(
            name: "MessageSpecs",
            dependencies: ["GatewayCore", "HardenedXML", "CLibXML2", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Store",
            dependencies: [
                "GatewayCore", "COpenSSL", "EmbeddedSQLite",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ]
        ),
        .target(
            name: "Delivery",
            dependencies: ["GatewayCore", "Store", "CCurl", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")]
        ),
        .target(
            name: "Hub",
            dependencies: ["GatewayCore", "Signatures", "MessageSpecs", "Store", "Delivery", "HardenedXML", .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")]
        ),
        .target(name: "HTTPAPI", dependencies: ["GatewayCore", "Hub", "Store", "Access", "Signatures", .product(name: "Hummingbird", package: "hummingbird"),
                                                .product(name: "HummingbirdCore", package: "hummingbird"),
                                                .product(name: "HummingbirdTLS", package: "hummingbird"),
                                                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                                                .product(name: "HTTPTypes", package: "swift-http-types"),
                                                .product(name: "Logging", package: "swift-log"),
                                                .product(name: "Metrics", package: "swift-metrics"),
                                                .product(name: "Prometheus", package: "swift-prometheus")]),
        .target(
            name: "Demo",
            dependencies: ["GatewayCore", "Access", "Signatures", "MessageSpecs", "Store", "Delivery", "Hub", "HTTPAPI", "LoopbackServer",
                           .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "GatewayBenchmarks",
            dependencies: ["GatewayCore", "Signatures", "HardenedXML", "MessageSpecs", "Delivery", "Hub", "LocalPostgres", "LoopbackServer", "CLibXML2", "COpenSSL", "Access",
                           .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .executableTarget(
            name: "gateway",
            dependencies: [
                "GatewayCore", "Signatures", "MessageSpecs", "GatewayBenchmarks", "HTTPAPI", "Store", "Hub", "Delivery", "Demo", "CJemalloc", "Access",
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "CLibrariesTests", dependencies: ["CLibXML2", "COpenSSL", "CXMLSec", "CCurl"]),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore"]),
        .testTarget(name: "HardenedXMLTests", dependencies: ["HardenedXML", "GatewayCore", "TestSupport"]),
        .testTarget(
            name: "SignaturesTests",
            dependencies: ["Signatures", "HardenedXML", "GatewayCore", "TestSupport", "CLibXML2"]
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: ["LocalPostgres", "HTTPAPI", "Hub", "Delivery", "Store", "MessageSpecs", "Signatures", "GatewayCore", "TestSupport", "Access",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            exclude: ["Browser"]
        ),
        .testTarget(name: "MessageSpecsTests", dependencies: ["MessageSpecs", "GatewayCore", "HardenedXML", "TestSupport", "CLibXML2"]),
        .testTarget(name: "HubTests", dependencies: ["Hub", "Store", "MessageSpecs", "Signatures", "GatewayCore", "TestSupport"]),
        .testTarget(
            name: "DeliveryTests",
            dependencies: ["LocalPostgres", "LoopbackServer", "Delivery", "Hub", "HTTPAPI", "Store", "MessageSpecs", "Signatures", "GatewayCore", "TestSupport",
                           .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["LocalPostgres", "Store", "GatewayCore", "TestSupport", .product(name: "SQLiteKit", package: "sqlite-kit")]
        ),
        .testTarget(
            name: "GatewayCLITests",
            dependencies: ["LocalPostgres", "gateway", "Store", "Signatures", "Hub", "GatewayBenchmarks", "Access", "TestSupport", .product(name: "SQLiteKit", package: "sqlite-kit")]
        ),
        .target(name: "TestSupport", dependencies: ["GatewayCore", "LocalPostgres", "LoopbackServer", "Access", .product(name: "Hummingbird", package: "hummingbird")],
                path: "Tests/TestSupport"),
    ]
)
