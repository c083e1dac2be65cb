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
    ],
    targets: [
        // C libraries, one system-library target each; `shim.h` holds the few inline wrappers
        // for variadic functions and macros that Swift cannot call.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "GatewayCore"),
        .target(name: "HardenedXML", dependencies: ["GatewayCore", "CLibXML2"]),
        .target(name: "Signatures", dependencies: ["GatewayCore", "HardenedXML", "CLibXML2", "COpenSSL", "CXMLSec"]),
        .target(name: "GatewayBenchmarks", dependencies: ["Signatures", "HardenedXML", "CLibXML2", "COpenSSL"]),
        .executableTarget(
            name: "gateway",
            dependencies: [
                "GatewayCore", "Signatures", "GatewayBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "CLibrariesTests", dependencies: ["CLibXML2", "COpenSSL", "CXMLSec", "CCurl"]),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore"]),
        .testTarget(name: "HardenedXMLTests", dependencies: ["HardenedXML", "CLibXML2"]),
        .testTarget(
            name: "SignaturesTests",
            dependencies: ["Signatures", "HardenedXML", "TestSupport"],
        ),
        .testTarget(name: "GatewayCLITests", dependencies: ["TestSupport"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
    ]
)
