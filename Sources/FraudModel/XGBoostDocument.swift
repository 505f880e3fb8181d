/// The parts of XGBoost's JSON model format (schema `doc/model.schema` in XGBoost) that scoring needs.
struct XGBoostDocument: Decodable {
    struct Learner: Decodable {
        enum CodingKeys: String, CodingKey {
            case learnerModelParam = "learner_model_param", objective, gradientBooster = "gradient_booster", featureNames = "feature_names"
        }

        var learnerModelParam: ModelParam
        var objective: Objective
        var gradientBooster: Booster
        var featureNames: [String]?
    }

    struct ModelParam: Decodable {
        enum CodingKeys: String, CodingKey {
            case baseScore = "base_score", numFeature = "num_feature", numClass = "num_class", numTarget = "num_target"
        }

        var baseScore: String
        var numFeature: String
        var numClass: String?
        var numTarget: String?
    }

    struct Objective: Decodable {
        var name: String
    }

    struct Booster: Decodable {
        struct Model: Decodable {
            var trees: [Tree]
        }

        enum CodingKeys: String, CodingKey {
            case name, model
        }

        var name: String
        /// The trees, read only for `gbtree` (other boosters store other shapes, refused by name).
        var model: Model?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            model = name == "gbtree" ? try container.decode(Model.self, forKey: .model) : nil
        }
    }

    struct Tree: Decodable {
        enum CodingKeys: String, CodingKey {
            case leftChildren = "left_children", rightChildren = "right_children", splitIndices = "split_indices"
            case splitConditions = "split_conditions", defaultLeft = "default_left", splitType = "split_type"
        }

        var leftChildren: [Int32]
        var rightChildren: [Int32]
        var splitIndices: [Int32]
        var splitConditions: [Float]
        var defaultLeft: Flags
        var splitType: [Int]?
    }

    /// `default_left` is an array of 0/1 in XGBoost 2 and later, of booleans in 1.x.
    struct Flags: Decodable {
        var values: [Bool]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let booleans = try? container.decode([Bool].self) {
                values = booleans
            } else {
                values = try container.decode([Int].self).map { $0 != 0 }
            }
        }
    }

    var learner: Learner
}
