// The search worker of the course, around Material's own (loaded below with importScripts).
// - One index holds both languages (mkdocs-static-i18n merges them): keep only the entries of the
//   reader's language, so each section appears once and leads to the page in that language.
// - Accents are optional: "deploiement" finds "déploiement". Words are folded when indexed (a lunr
//   pipeline step) and in the query (Material adds a wildcard to each term, which skips lunr's
//   query pipeline, so the query text itself is folded).
(function () {
  var SETUP = 0; // Material's SearchMessageType
  var QUERY = 2;
  var params = new URL(self.location.href).searchParams;
  var language = params.get("lang") || "";
  // Location prefixes of the languages other than the default one ("en/").
  var prefixes = (params.get("prefixes") || "").split(" ").filter(Boolean);
  var material = new URL(params.get("material") || "", self.location.href);
  if (material.origin !== self.location.origin) throw new Error("search worker from another site");

  function fold(text) {
    return text
      .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function inReaderLanguage(location) {
    var own = language + "/";
    if (prefixes.indexOf(own) !== -1) return location.indexOf(own) === 0;
    return !prefixes.some(function (prefix) { return location.indexOf(prefix) === 0; });
  }

  // Registered before Material's listener, so it sees (and changes) each message first.
  addEventListener("message", function (event) {
    var message = event.data;
    if (!message) return;
    if (message.type === SETUP && message.data && Array.isArray(message.data.docs)) {
      message.data.docs = message.data.docs.filter(function (doc) {
        return inReaderLanguage(doc.location);
      });
    } else if (message.type === QUERY && typeof message.data === "string") {
      message.data = fold(message.data);
    }
  });

  importScripts(material.href);

  var lunr = self.lunr;
  function foldToken(token) {
    return token.update(function (text) { return fold(text); });
  }
  lunr.Pipeline.registerFunction(foldToken, "courseFold");
  var add = lunr.Builder.prototype.add;
  lunr.Builder.prototype.add = function () {
    if (!this.courseFolding) {
      this.courseFolding = true;
      [this.pipeline, this.searchPipeline].forEach(function (pipeline) {
        var first = pipeline._stack[0];
        if (first) pipeline.before(first, foldToken);
        else pipeline.add(foldToken);
      });
    }
    return add.apply(this, arguments);
  };
})();
