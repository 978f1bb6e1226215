/// Words of the built-in prose haystack. Chosen to read like ordinary English and to share nothing
/// with `Vocabulary` (no city, no key word), so needles are the only place keys appear.
enum ProseLexicon {
    static let names = [
        "Alice", "Bernard", "Clara", "Daniel", "Elena", "Felix", "Grace", "Hector", "Irene", "Jonas",
        "Karin", "Leon", "Maria", "Nils", "Olga", "Peter", "Rosa", "Samuel", "Teresa", "Victor",
        "Wanda", "Yusuf", "Agnes", "Bruno", "Celia", "Dmitri", "Edith", "Frank", "Greta", "Hugo",
        "Ingrid", "Julian", "Lena", "Martin", "Nora", "Oscar", "Paula", "Ruth", "Simon", "Tomas",
    ]
    static let nouns = [
        "village", "river", "teacher", "window", "garden", "question", "letter", "road", "market",
        "family", "story", "morning", "evening", "table", "book", "report", "meeting", "plan",
        "house", "school", "farmer", "doctor", "student", "engineer", "machine", "bridge", "forest",
        "mountain", "valley", "field", "kitchen", "office", "library", "museum", "station", "train",
        "ship", "island", "coast", "journey", "winter", "summer", "autumn", "spring", "harvest",
        "council", "committee", "company", "worker", "merchant", "painter", "writer", "musician",
        "neighbor", "friend", "stranger", "child", "parent", "river bank", "street", "square",
        "church", "tower", "wall", "gate", "door", "roof", "floor", "chair", "lamp", "clock",
        "picture", "map", "record", "answer", "problem", "method", "result", "idea", "reason",
        "season", "weather", "storm", "rain", "wind", "cloud", "stone", "path", "hill", "lake",
        "pond", "well", "barn", "mill", "shop", "bakery", "workshop", "factory", "harbour wall",
        "newspaper", "radio", "lesson", "exam", "notebook", "pencil", "basket", "bottle", "coat",
    ]
    static let verbs = [
        "visited", "described", "noticed", "carried", "repaired", "painted", "opened", "closed",
        "discussed", "remembered", "explained", "followed", "watched", "prepared", "collected",
        "measured", "studied", "cleaned", "built", "moved", "finished", "started", "checked",
        "counted", "wrote about", "talked about", "walked past", "looked at", "asked about",
        "borrowed", "returned", "planned", "ordered", "changed", "improved", "answered", "crossed",
        "reached", "left", "found", "kept", "shared", "sold", "bought", "served", "welcomed",
    ]
    static let adjectives = [
        "old", "new", "quiet", "busy", "small", "large", "narrow", "wide", "bright", "dark", "warm",
        "cold", "early", "late", "careful", "simple", "long", "short", "heavy", "light", "green",
        "grey", "brown", "yellow", "local", "distant", "familiar", "strange", "pleasant", "modest",
        "ordinary", "patient", "curious", "gentle", "honest", "plain", "wooden", "stone", "northern",
        "southern", "eastern", "western", "crowded", "empty", "clean", "tidy", "dusty", "calm",
    ]
    static let adverbs = [
        "slowly", "quickly", "carefully", "quietly", "often", "rarely", "usually", "sometimes",
        "again", "later", "soon", "together", "alone", "gladly", "patiently", "early", "finally",
    ]
    static let times = [
        "in the morning", "after lunch", "before dinner", "on Monday", "on Tuesday", "on Wednesday",
        "on Thursday", "on Friday", "at the weekend", "last year", "the next day", "in the evening",
        "during the winter", "in the spring", "every week", "once a month", "at noon", "at dawn",
    ]
    static let places = [
        "near the river", "behind the school", "across the square", "in the old town",
        "by the station", "at the market", "under the bridge", "on the hill", "in the valley",
        "along the coast", "outside the village", "next to the library", "at the end of the road",
    ]
    static let connectives = [
        "Later", "Meanwhile", "After that", "In the end", "Still", "Even so", "For a while",
        "At first", "Afterwards", "By then", "In those days", "As usual",
    ]
}
