/// The inference layout of a ``TreeEnsembleModel``: every node of every tree in one array.
///
/// Each tree is laid out breadth first so that a split's children are adjacent (`right ==
/// left + 1`), and a leaf's "left child" is itself. A step is then `index = left + goRight`
/// with `goRight` computed without branches (0 at a leaf), so walking a tree for exactly its
/// depth lands on the right leaf whatever path is taken, and the CPU never mispredicts.
struct PackedTrees: Sendable {
    struct Node: Sendable {
        /// Split threshold; rows with `Float(value) < threshold` go left.
        var threshold: Float
        var feature: UInt32
        /// The left child (for a leaf, the node itself).
        var left: Int32
        /// Bit 0 set for a split (a leaf never moves right); bit 1 set when a missing value goes right.
        var flags: UInt32
    }

    /// Rows scored together per tree: enough independent walks to hide latency, few enough
    /// that their features stay in the L1 cache.
    static let blockRows = 64

    private(set) var nodes: [Node] = []
    private(set) var leafValues: [Double] = []
    private(set) var roots: [Int32] = []
    private(set) var depths: [Int32] = []

    init(_ trees: [TreeEnsembleModel.Tree]) {
        for tree in trees {
            let offset = Int32(nodes.count)
            roots.append(offset)
            var depth = 0
            // Breadth first: `order[i]` is the original index of packed node i.
            var order = [0], levels = [0], next = 0
            while next < order.count {
                let original = order[next]
                depth = max(depth, levels[next])
                let left = tree.leftChildren[original]
                if left == -1 {
                    nodes.append(Node(threshold: 0, feature: 0, left: offset + Int32(next), flags: 0))
                    leafValues.append(Double(tree.leafValues[original]))
                } else {
                    let missingRight: UInt32 = tree.defaultLeft[original] ? 0 : 2
                    nodes.append(Node(threshold: tree.thresholds[original], feature: UInt32(tree.featureIndices[original]),
                                      left: offset + Int32(order.count), flags: 1 | missingRight))
                    leafValues.append(0)
                    order += [Int(left), Int(tree.rightChildren[original])]
                    levels += [levels[next] + 1, levels[next] + 1]
                }
                next += 1
            }
            depths.append(Int32(depth))
        }
    }

    /// One level down: the node's left child plus 1 when the row goes right (0 at a leaf).
    @inline(__always)
    private static func step(_ nodes: UnsafePointer<Node>, _ index: Int32, _ row: UnsafePointer<Double>) -> Int32 {
        let node = nodes[Int(index)]
        let value = Float(row[Int(node.feature)])
        // Both tests agree on numbers; on NaN `!(value < threshold)` says right and
        // `value >= threshold` says left, so picking one by the default direction needs no NaN check.
        let rightOrMissing: UInt32 = value < node.threshold ? 0 : 1
        let rightNotMissing: UInt32 = value >= node.threshold ? 1 : 0
        let missingRight = node.flags >> 1
        let goRight = (rightOrMissing & missingRight) | (rightNotMissing & ~missingRight)
        return node.left &+ Int32(bitPattern: goRight & node.flags & 1)
    }

    /// Writes `baseMargin + Σ leaf` for each row into `margins`.
    func margins(
        _ features: UnsafeBufferPointer<Double>, featureCount: Int, rowCount: Int, baseMargin: Double,
        into margins: UnsafeMutableBufferPointer<Double>
    ) {
        guard rowCount > 0 else { return }
        let values = features.baseAddress!, out = margins.baseAddress!
        for row in 0..<rowCount {
            out[row] = baseMargin
        }
        nodes.withUnsafeBufferPointer { nodeBuffer in
            leafValues.withUnsafeBufferPointer { leafBuffer in
                roots.withUnsafeBufferPointer { roots in
                    depths.withUnsafeBufferPointer { depths in
                        let nodes = nodeBuffer.baseAddress!, leaves = leafBuffer.baseAddress!
                        var blockStart = 0
                        while blockStart < rowCount {
                            let blockEnd = min(blockStart + Self.blockRows, rowCount)
                            for tree in 0..<roots.count {
                                let root = roots[tree], depth = depths[tree]
                                // Eight independent walks at a time, so the CPU overlaps their load latencies.
                                var row = blockStart
                                while row + 8 <= blockEnd {
                                    let row0 = values + row * featureCount
                                    var i0 = root, i1 = root, i2 = root, i3 = root, i4 = root, i5 = root, i6 = root, i7 = root
                                    for _ in 0..<depth {
                                        i0 = Self.step(nodes, i0, row0)
                                        i1 = Self.step(nodes, i1, row0 + featureCount)
                                        i2 = Self.step(nodes, i2, row0 + 2 * featureCount)
                                        i3 = Self.step(nodes, i3, row0 + 3 * featureCount)
                                        i4 = Self.step(nodes, i4, row0 + 4 * featureCount)
                                        i5 = Self.step(nodes, i5, row0 + 5 * featureCount)
                                        i6 = Self.step(nodes, i6, row0 + 6 * featureCount)
                                        i7 = Self.step(nodes, i7, row0 + 7 * featureCount)
                                    }
                                    out[row] += leaves[Int(i0)]
                                    out[row + 1] += leaves[Int(i1)]
                                    out[row + 2] += leaves[Int(i2)]
                                    out[row + 3] += leaves[Int(i3)]
                                    out[row + 4] += leaves[Int(i4)]
                                    out[row + 5] += leaves[Int(i5)]
                                    out[row + 6] += leaves[Int(i6)]
                                    out[row + 7] += leaves[Int(i7)]
                                    row += 8
                                }
                                while row < blockEnd {
                                    var index = root
                                    for _ in 0..<depth {
                                        index = Self.step(nodes, index, values + row * featureCount)
                                    }
                                    out[row] += leaves[Int(index)]
                                    row += 1
                                }
                            }
                            blockStart = blockEnd
                        }
                    }
                }
            }
        }
    }
}
