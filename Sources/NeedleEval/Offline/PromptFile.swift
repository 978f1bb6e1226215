import Foundation

/// One line of a `generate` file, as much as scoring needs.
public struct OfflinePrompt: Sendable {
    public var line: Int
    public var id: String
    public var key: TrialKey
    public var keys: [String]
    /// One array of expected values per question.
    public var expected: [[String]]
    public var promptTokens: Int
    public var needleTokenOffset: Int
}

/// A `generate` file read back and checked against the run definition its lines carry: every
/// line names the same run, the task hash is the hash of the task JSON, every id is the id of its
/// cell under that definition, and every cell of the grid has exactly one line. So a prompts file
/// whose run object, ids or cells were edited is refused rather than recorded as the wrong run.
/// (The prompt text and expected values are not rebuilt: the check is of the definition and ids.)
public struct PromptFile: Sendable {
    public var path: String
    public var run: PromptRunDefinition
    /// The task as run (parsed from `run.task_json`): its `stop` is what answers are cut at.
    public var spec: TaskSpec
    public var plan: TrialPlan
    public var promptsByID: [String: OfflinePrompt]

    /// Reads and checks `path`; every problem found is thrown together (`AnswerImportError`).
    public static func read(path: String) throws -> PromptFile {
        var problems: [ImportProblem] = []
        let lines = JSONLine.read(path: path, problems: &problems)
        guard let first = lines.first else {
            throw AnswerImportError(problems + [ImportProblem(file: path, line: nil,
                "has no prompts; give the file needle-eval generate wrote")])
        }
        let definition: (run: PromptRunDefinition, spec: TaskSpec, plan: TrialPlan)
        do { definition = try runDefinition(of: first) } catch let p as ImportProblem {
            throw AnswerImportError(problems + [p])
        }
        var byID: [String: OfflinePrompt] = [:]
        var byCell: [TrialKey: Int] = [:]
        for line in lines {
            do {
                if line.line != first.line {
                    let run = try runDefinition(of: line).run
                    guard run == definition.run else {
                        throw line.problem("run", "differs from the run of line \(first.line); a file holds one run: regenerate it with needle-eval generate")
                    }
                }
                let prompt = try self.prompt(line, expectedQueries: definition.spec.queries)
                let plan = definition.plan
                guard plan.lengths.contains(prompt.key.length), plan.depths.contains(prompt.key.depth),
                      prompt.key.trial < plan.trials else {
                    throw line.problem(nil, "\(prompt.key) is not a cell of the run's grid \(plan.json); regenerate the prompts")
                }
                if let earlier = byCell[prompt.key] {
                    throw line.problem(nil, "\(prompt.key) already has a prompt on line \(earlier); keep one line per cell")
                }
                let id = definition.run.promptID(prompt.key)
                guard prompt.id == id else {
                    throw line.problem("id", "'\(prompt.id)' is not this cell's id under the file's run definition ('\(id)'); the line or its run was edited: regenerate the prompts")
                }
                byCell[prompt.key] = line.line
                byID[prompt.id] = prompt
            } catch let p as ImportProblem { problems.append(p) }
        }
        if problems.isEmpty {
            for key in definition.plan.cells where byCell[key] == nil {
                problems.append(ImportProblem(file: path, line: nil, "has no prompt for \(key) of its grid; regenerate the whole grid"))
            }
        }
        guard problems.isEmpty else { throw AnswerImportError(problems) }
        return PromptFile(path: path, run: definition.run, spec: definition.spec, plan: definition.plan, promptsByID: byID)
    }

    private static func prompt(_ line: JSONLine, expectedQueries: Int) throws -> OfflinePrompt {
        let prompt = OfflinePrompt(
            line: line.line, id: try line.string("id"),
            key: TrialKey(length: try line.int("length", minimum: 1), depth: try line.int("depth"), trial: try line.int("trial")),
            keys: try line.strings("keys"), expected: try line.stringLists("expected_per_question"),
            promptTokens: try line.int("prompt_tokens", minimum: 1), needleTokenOffset: try line.int("needle_token_offset"))
        guard prompt.keys.count == prompt.expected.count, prompt.expected.count == expectedQueries else {
            throw line.problem("expected_per_question", "has \(prompt.expected.count) questions and keys \(prompt.keys.count), but the task asks \(expectedQueries); regenerate the prompts")
        }
        return prompt
    }

    /// The `run` object of a line, checked in itself.
    private static func runDefinition(of line: JSONLine) throws -> (run: PromptRunDefinition, spec: TaskSpec, plan: TrialPlan) {
        let run = try line.nested("run")
        let taskJSON = try run.string("task_json")
        let taskHash = try run.string("task_hash")
        guard taskHash == SHA256.hex(taskJSON) else {
            throw run.problem("task_hash", "is not the SHA-256 of run.task_json: the run definition was edited; regenerate the prompts with needle-eval generate")
        }
        let spec: TaskSpec
        do { spec = try TaskSpec.parse(data: Data(taskJSON.utf8), file: "\(line.file):\(line.line) run.task_json") } catch {
            throw run.problem("task_json", "is not a valid task spec (\(error)); regenerate the prompts")
        }
        let taskName = try run.string("task_name")
        guard taskName == spec.name else {
            throw run.problem("task_name", "'\(taskName)' is not the name in run.task_json ('\(spec.name)'); regenerate the prompts")
        }
        guard let gridObject = run.object["grid"], JSONSerialization.isValidJSONObject(gridObject),
              let gridData = try? JSONSerialization.data(withJSONObject: gridObject),
              let plan = TrialPlan(json: String(decoding: gridData, as: UTF8.self)),
              !plan.lengths.isEmpty, !plan.depths.isEmpty, plan.trials >= 1,
              plan.lengths.allSatisfy({ $0 > 0 }), plan.depths.allSatisfy({ (0...100).contains($0) }) else {
            throw run.problem("grid", "must be {\"lengths\":[…],\"depths\":[…],\"trials\":N}; regenerate the prompts")
        }
        let definition = PromptRunDefinition(
            taskName: taskName, taskJSON: taskJSON, taskHash: taskHash, gridJSON: plan.json,
            seed: UInt64(try run.int("seed")), tokenizerName: try run.string("tokenizer_name"),
            tokenizerSHA256: try run.string("tokenizer_sha256"))
        return (definition, spec, plan)
    }
}
