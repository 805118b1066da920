import { createRequire as __imageMirrorRequire } from 'node:module';
const require = __imageMirrorRequire(import.meta.url);
import {
  deref,
  isBundleRun,
  isMergeKey,
  lineOf,
  loadMappingConfig,
  mapEntries,
  mapInventory,
  parseComposeYaml,
  readsBundle,
  require_dist
} from "./chunk-FH5M37PI.js";
import {
  COMPOSE_SYNTAX,
  OutputPathError,
  WITHHELD_REASON,
  compileGlob,
  compileGlobSet,
  dockerfileSyntax,
  interpolate,
  isWithheldName,
  writeOutputFile
} from "./chunk-GMHTV7BP.js";
import {
  buildReport,
  plural
} from "./chunk-BFJECO4U.js";
import {
  BUILDER_FEATURES,
  BUILDER_NAMES
} from "./chunk-YW6UN4AT.js";
import {
  familiarName,
  formatReference,
  parseReference,
  repositoryName,
  tryParseReference
} from "./chunk-7FBY6XPY.js";
import {
  __commonJS,
  __esm,
  __export,
  __toCommonJS,
  __toESM
} from "./chunk-SVPXH4ZQ.js";

// node_modules/dockerfile-ast/lib/argument.js
var require_argument = __commonJS({
  "node_modules/dockerfile-ast/lib/argument.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Argument = void 0;
    var Argument = class {
      constructor(value, range) {
        this.value = value;
        this.range = range;
      }
      toString() {
        return this.value;
      }
      getRange() {
        return this.range;
      }
      getValue() {
        return this.value;
      }
      isAfter(position) {
        if (this.range.end.line < position.line) {
          return false;
        }
        return this.range.start.line > position.line ? true : this.range.start.character > position.character;
      }
      isBefore(position) {
        if (this.range.start.line < position.line) {
          return true;
        }
        return this.range.end.line > position.line ? false : this.range.end.character < position.character;
      }
    };
    exports.Argument = Argument;
  }
});

// node_modules/dockerfile-ast/lib/jsonArgument.js
var require_jsonArgument = __commonJS({
  "node_modules/dockerfile-ast/lib/jsonArgument.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.JSONArgument = void 0;
    var argument_1 = require_argument();
    var JSONArgument = class extends argument_1.Argument {
      constructor(value, range, jsonRange) {
        super(value, range);
        this.jsonRange = jsonRange;
      }
      getJSONRange() {
        return this.jsonRange;
      }
      getJSONValue() {
        let value = super.getValue();
        value = value.substring(1, value.length - 1);
        return value;
      }
    };
    exports.JSONArgument = JSONArgument;
  }
});

// node_modules/vscode-languageserver-types/lib/esm/main.js
var main_exports = {};
__export(main_exports, {
  AnnotatedTextEdit: () => AnnotatedTextEdit,
  ApplyKind: () => ApplyKind,
  ChangeAnnotation: () => ChangeAnnotation,
  ChangeAnnotationIdentifier: () => ChangeAnnotationIdentifier,
  CodeAction: () => CodeAction,
  CodeActionContext: () => CodeActionContext,
  CodeActionKind: () => CodeActionKind,
  CodeActionTag: () => CodeActionTag,
  CodeActionTriggerKind: () => CodeActionTriggerKind,
  CodeDescription: () => CodeDescription,
  CodeLens: () => CodeLens,
  Color: () => Color,
  ColorInformation: () => ColorInformation,
  ColorPresentation: () => ColorPresentation,
  Command: () => Command,
  CompletionItem: () => CompletionItem,
  CompletionItemKind: () => CompletionItemKind,
  CompletionItemLabelDetails: () => CompletionItemLabelDetails,
  CompletionItemTag: () => CompletionItemTag,
  CompletionList: () => CompletionList,
  CreateFile: () => CreateFile,
  DeleteFile: () => DeleteFile,
  Diagnostic: () => Diagnostic,
  DiagnosticRelatedInformation: () => DiagnosticRelatedInformation,
  DiagnosticSeverity: () => DiagnosticSeverity,
  DiagnosticTag: () => DiagnosticTag,
  DocumentHighlight: () => DocumentHighlight,
  DocumentHighlightKind: () => DocumentHighlightKind,
  DocumentLink: () => DocumentLink,
  DocumentSymbol: () => DocumentSymbol,
  DocumentUri: () => DocumentUri,
  EOL: () => EOL,
  FoldingRange: () => FoldingRange,
  FoldingRangeKind: () => FoldingRangeKind,
  FormattingOptions: () => FormattingOptions,
  Hover: () => Hover,
  InlayHint: () => InlayHint,
  InlayHintKind: () => InlayHintKind,
  InlayHintLabelPart: () => InlayHintLabelPart,
  InlineCompletionContext: () => InlineCompletionContext,
  InlineCompletionItem: () => InlineCompletionItem,
  InlineCompletionList: () => InlineCompletionList,
  InlineCompletionTriggerKind: () => InlineCompletionTriggerKind,
  InlineValueContext: () => InlineValueContext,
  InlineValueEvaluatableExpression: () => InlineValueEvaluatableExpression,
  InlineValueText: () => InlineValueText,
  InlineValueVariableLookup: () => InlineValueVariableLookup,
  InsertReplaceEdit: () => InsertReplaceEdit,
  InsertTextFormat: () => InsertTextFormat,
  InsertTextMode: () => InsertTextMode,
  LanguageKind: () => LanguageKind,
  Location: () => Location,
  LocationLink: () => LocationLink,
  MarkedString: () => MarkedString,
  MarkupContent: () => MarkupContent,
  MarkupKind: () => MarkupKind,
  OptionalVersionedTextDocumentIdentifier: () => OptionalVersionedTextDocumentIdentifier,
  ParameterInformation: () => ParameterInformation,
  Position: () => Position,
  Range: () => Range,
  RenameFile: () => RenameFile,
  SelectedCompletionInfo: () => SelectedCompletionInfo,
  SelectionRange: () => SelectionRange,
  SemanticTokenModifiers: () => SemanticTokenModifiers,
  SemanticTokenTypes: () => SemanticTokenTypes,
  SemanticTokens: () => SemanticTokens,
  SignatureInformation: () => SignatureInformation,
  SnippetTextEdit: () => SnippetTextEdit,
  StringValue: () => StringValue,
  SymbolInformation: () => SymbolInformation,
  SymbolKind: () => SymbolKind,
  SymbolTag: () => SymbolTag,
  TextDocument: () => TextDocument,
  TextDocumentEdit: () => TextDocumentEdit,
  TextDocumentIdentifier: () => TextDocumentIdentifier,
  TextDocumentItem: () => TextDocumentItem,
  TextEdit: () => TextEdit,
  URI: () => URI,
  VersionedTextDocumentIdentifier: () => VersionedTextDocumentIdentifier,
  WorkspaceChange: () => WorkspaceChange,
  WorkspaceEdit: () => WorkspaceEdit,
  WorkspaceFolder: () => WorkspaceFolder,
  WorkspaceSymbol: () => WorkspaceSymbol,
  integer: () => integer,
  uinteger: () => uinteger
});
var DocumentUri, URI, integer, uinteger, Position, Range, Location, LocationLink, Color, ColorInformation, ColorPresentation, FoldingRangeKind, FoldingRange, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, CodeDescription, Diagnostic, Command, TextEdit, ChangeAnnotation, ChangeAnnotationIdentifier, AnnotatedTextEdit, TextDocumentEdit, CreateFile, RenameFile, DeleteFile, WorkspaceEdit, TextEditChangeImpl, SnippetTextEdit, ChangeAnnotations, WorkspaceChange, TextDocumentIdentifier, VersionedTextDocumentIdentifier, OptionalVersionedTextDocumentIdentifier, LanguageKind, TextDocumentItem, MarkupKind, MarkupContent, CompletionItemKind, InsertTextFormat, CompletionItemTag, InsertReplaceEdit, InsertTextMode, ApplyKind, CompletionItemLabelDetails, CompletionItem, CompletionList, MarkedString, Hover, ParameterInformation, SignatureInformation, DocumentHighlightKind, DocumentHighlight, SymbolKind, SymbolTag, SymbolInformation, WorkspaceSymbol, DocumentSymbol, CodeActionKind, CodeActionTriggerKind, CodeActionContext, CodeActionTag, CodeAction, CodeLens, FormattingOptions, DocumentLink, SelectionRange, SemanticTokenTypes, SemanticTokenModifiers, SemanticTokens, InlineValueText, InlineValueVariableLookup, InlineValueEvaluatableExpression, InlineValueContext, InlayHintKind, InlayHintLabelPart, InlayHint, StringValue, InlineCompletionItem, InlineCompletionList, InlineCompletionTriggerKind, SelectedCompletionInfo, InlineCompletionContext, WorkspaceFolder, EOL, TextDocument, FullTextDocument, Is;
var init_main = __esm({
  "node_modules/vscode-languageserver-types/lib/esm/main.js"() {
    "use strict";
    (function(DocumentUri2) {
      function is(value) {
        return typeof value === "string";
      }
      DocumentUri2.is = is;
    })(DocumentUri || (DocumentUri = {}));
    (function(URI2) {
      function is(value) {
        return typeof value === "string";
      }
      URI2.is = is;
    })(URI || (URI = {}));
    (function(integer2) {
      integer2.MIN_VALUE = -2147483648;
      integer2.MAX_VALUE = 2147483647;
      function is(value) {
        return typeof value === "number" && integer2.MIN_VALUE <= value && value <= integer2.MAX_VALUE;
      }
      integer2.is = is;
    })(integer || (integer = {}));
    (function(uinteger2) {
      uinteger2.MIN_VALUE = 0;
      uinteger2.MAX_VALUE = 2147483647;
      function is(value) {
        return typeof value === "number" && uinteger2.MIN_VALUE <= value && value <= uinteger2.MAX_VALUE;
      }
      uinteger2.is = is;
    })(uinteger || (uinteger = {}));
    (function(Position2) {
      function create(line, character) {
        if (line === Number.MAX_VALUE) {
          line = uinteger.MAX_VALUE;
        }
        if (character === Number.MAX_VALUE) {
          character = uinteger.MAX_VALUE;
        }
        return { line, character };
      }
      Position2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.uinteger(candidate.line) && Is.uinteger(candidate.character);
      }
      Position2.is = is;
    })(Position || (Position = {}));
    (function(Range2) {
      function create(one, two, three, four) {
        if (Is.uinteger(one) && Is.uinteger(two) && Is.uinteger(three) && Is.uinteger(four)) {
          return { start: Position.create(one, two), end: Position.create(three, four) };
        } else if (Position.is(one) && Position.is(two)) {
          return { start: one, end: two };
        } else {
          throw new Error(`Range#create called with invalid arguments[${one}, ${two}, ${three}, ${four}]`);
        }
      }
      Range2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Position.is(candidate.start) && Position.is(candidate.end);
      }
      Range2.is = is;
    })(Range || (Range = {}));
    (function(Location2) {
      function create(uri, range) {
        return { uri, range };
      }
      Location2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Range.is(candidate.range) && (Is.string(candidate.uri) || Is.undefined(candidate.uri));
      }
      Location2.is = is;
    })(Location || (Location = {}));
    (function(LocationLink2) {
      function create(targetUri, targetRange, targetSelectionRange, originSelectionRange) {
        return { targetUri, targetRange, targetSelectionRange, originSelectionRange };
      }
      LocationLink2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Range.is(candidate.targetRange) && Is.string(candidate.targetUri) && Range.is(candidate.targetSelectionRange) && (Range.is(candidate.originSelectionRange) || Is.undefined(candidate.originSelectionRange));
      }
      LocationLink2.is = is;
    })(LocationLink || (LocationLink = {}));
    (function(Color2) {
      function create(red, green, blue, alpha) {
        return {
          red,
          green,
          blue,
          alpha
        };
      }
      Color2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.numberRange(candidate.red, 0, 1) && Is.numberRange(candidate.green, 0, 1) && Is.numberRange(candidate.blue, 0, 1) && Is.numberRange(candidate.alpha, 0, 1);
      }
      Color2.is = is;
    })(Color || (Color = {}));
    (function(ColorInformation2) {
      function create(range, color) {
        return {
          range,
          color
        };
      }
      ColorInformation2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Range.is(candidate.range) && Color.is(candidate.color);
      }
      ColorInformation2.is = is;
    })(ColorInformation || (ColorInformation = {}));
    (function(ColorPresentation2) {
      function create(label, textEdit, additionalTextEdits) {
        return {
          label,
          textEdit,
          additionalTextEdits
        };
      }
      ColorPresentation2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.string(candidate.label) && (Is.undefined(candidate.textEdit) || TextEdit.is(candidate.textEdit)) && (Is.undefined(candidate.additionalTextEdits) || Is.typedArray(candidate.additionalTextEdits, TextEdit.is));
      }
      ColorPresentation2.is = is;
    })(ColorPresentation || (ColorPresentation = {}));
    (function(FoldingRangeKind2) {
      FoldingRangeKind2.Comment = "comment";
      FoldingRangeKind2.Imports = "imports";
      FoldingRangeKind2.Region = "region";
    })(FoldingRangeKind || (FoldingRangeKind = {}));
    (function(FoldingRange2) {
      function create(startLine, endLine, startCharacter, endCharacter, kind, collapsedText) {
        const result = {
          startLine,
          endLine
        };
        if (Is.defined(startCharacter)) {
          result.startCharacter = startCharacter;
        }
        if (Is.defined(endCharacter)) {
          result.endCharacter = endCharacter;
        }
        if (Is.defined(kind)) {
          result.kind = kind;
        }
        if (Is.defined(collapsedText)) {
          result.collapsedText = collapsedText;
        }
        return result;
      }
      FoldingRange2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.uinteger(candidate.startLine) && Is.uinteger(candidate.endLine) && (Is.undefined(candidate.startCharacter) || Is.uinteger(candidate.startCharacter)) && (Is.undefined(candidate.endCharacter) || Is.uinteger(candidate.endCharacter)) && (Is.undefined(candidate.kind) || Is.string(candidate.kind));
      }
      FoldingRange2.is = is;
    })(FoldingRange || (FoldingRange = {}));
    (function(DiagnosticRelatedInformation2) {
      function create(location, message) {
        return {
          location,
          message
        };
      }
      DiagnosticRelatedInformation2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Location.is(candidate.location) && Is.string(candidate.message);
      }
      DiagnosticRelatedInformation2.is = is;
    })(DiagnosticRelatedInformation || (DiagnosticRelatedInformation = {}));
    (function(DiagnosticSeverity2) {
      DiagnosticSeverity2.Error = 1;
      DiagnosticSeverity2.Warning = 2;
      DiagnosticSeverity2.Information = 3;
      DiagnosticSeverity2.Hint = 4;
    })(DiagnosticSeverity || (DiagnosticSeverity = {}));
    (function(DiagnosticTag2) {
      DiagnosticTag2.Unnecessary = 1;
      DiagnosticTag2.Deprecated = 2;
    })(DiagnosticTag || (DiagnosticTag = {}));
    (function(CodeDescription2) {
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.string(candidate.href);
      }
      CodeDescription2.is = is;
    })(CodeDescription || (CodeDescription = {}));
    (function(Diagnostic2) {
      function create(range, message, severity, code2, source, relatedInformation) {
        const result = { range, message };
        if (Is.defined(severity)) {
          result.severity = severity;
        }
        if (Is.defined(code2)) {
          result.code = code2;
        }
        if (Is.defined(source)) {
          result.source = source;
        }
        if (Is.defined(relatedInformation)) {
          result.relatedInformation = relatedInformation;
        }
        return result;
      }
      Diagnostic2.create = create;
      function is(value) {
        var _a;
        const candidate = value;
        return Is.defined(candidate) && Range.is(candidate.range) && (Is.string(candidate.message) || MarkupContent.is(candidate.message)) && (Is.number(candidate.severity) || Is.undefined(candidate.severity)) && (Is.integer(candidate.code) || Is.string(candidate.code) || Is.undefined(candidate.code)) && (Is.undefined(candidate.codeDescription) || Is.string((_a = candidate.codeDescription) === null || _a === void 0 ? void 0 : _a.href)) && (Is.string(candidate.source) || Is.undefined(candidate.source)) && (Is.undefined(candidate.relatedInformation) || Is.typedArray(candidate.relatedInformation, DiagnosticRelatedInformation.is));
      }
      Diagnostic2.is = is;
      function is3_17(value) {
        return Is.string(value.message);
      }
      Diagnostic2.is3_17 = is3_17;
      function getMessageString(diagnostic) {
        if (Is.string(diagnostic.message)) {
          return diagnostic.message;
        } else if (MarkupContent.is(diagnostic.message)) {
          return diagnostic.message.value;
        } else {
          throw new Error(`Unknown message type ${typeof diagnostic.message}`);
        }
      }
      Diagnostic2.getMessageString = getMessageString;
    })(Diagnostic || (Diagnostic = {}));
    (function(Command2) {
      function create(title, command, ...args) {
        const result = { title, command };
        if (Is.defined(args) && args.length > 0) {
          result.arguments = args;
        }
        return result;
      }
      Command2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.string(candidate.title) && (candidate.tooltip === void 0 || Is.string(candidate.tooltip)) && Is.string(candidate.command);
      }
      Command2.is = is;
    })(Command || (Command = {}));
    (function(TextEdit2) {
      function replace(range, newText) {
        return { range, newText };
      }
      TextEdit2.replace = replace;
      function insert(position, newText) {
        return { range: { start: position, end: position }, newText };
      }
      TextEdit2.insert = insert;
      function del(range) {
        return { range, newText: "" };
      }
      TextEdit2.del = del;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.string(candidate.newText) && Range.is(candidate.range);
      }
      TextEdit2.is = is;
    })(TextEdit || (TextEdit = {}));
    (function(ChangeAnnotation2) {
      function create(label, needsConfirmation, description) {
        const result = { label };
        if (needsConfirmation !== void 0) {
          result.needsConfirmation = needsConfirmation;
        }
        if (description !== void 0) {
          result.description = description;
        }
        return result;
      }
      ChangeAnnotation2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Is.string(candidate.label) && (Is.boolean(candidate.needsConfirmation) || candidate.needsConfirmation === void 0) && (Is.string(candidate.description) || candidate.description === void 0);
      }
      ChangeAnnotation2.is = is;
    })(ChangeAnnotation || (ChangeAnnotation = {}));
    (function(ChangeAnnotationIdentifier2) {
      function is(value) {
        const candidate = value;
        return Is.string(candidate);
      }
      ChangeAnnotationIdentifier2.is = is;
    })(ChangeAnnotationIdentifier || (ChangeAnnotationIdentifier = {}));
    (function(AnnotatedTextEdit2) {
      function replace(range, newText, annotation) {
        return { range, newText, annotationId: annotation };
      }
      AnnotatedTextEdit2.replace = replace;
      function insert(position, newText, annotation) {
        return { range: { start: position, end: position }, newText, annotationId: annotation };
      }
      AnnotatedTextEdit2.insert = insert;
      function del(range, annotation) {
        return { range, newText: "", annotationId: annotation };
      }
      AnnotatedTextEdit2.del = del;
      function is(value) {
        const candidate = value;
        return TextEdit.is(candidate) && (ChangeAnnotation.is(candidate.annotationId) || ChangeAnnotationIdentifier.is(candidate.annotationId));
      }
      AnnotatedTextEdit2.is = is;
    })(AnnotatedTextEdit || (AnnotatedTextEdit = {}));
    (function(TextDocumentEdit2) {
      function create(textDocument, edits) {
        return { textDocument, edits };
      }
      TextDocumentEdit2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && OptionalVersionedTextDocumentIdentifier.is(candidate.textDocument) && Array.isArray(candidate.edits);
      }
      TextDocumentEdit2.is = is;
    })(TextDocumentEdit || (TextDocumentEdit = {}));
    (function(CreateFile2) {
      function create(uri, options, annotation) {
        const result = {
          kind: "create",
          uri
        };
        if (options !== void 0 && (options.overwrite !== void 0 || options.ignoreIfExists !== void 0)) {
          result.options = options;
        }
        if (annotation !== void 0) {
          result.annotationId = annotation;
        }
        return result;
      }
      CreateFile2.create = create;
      function is(value) {
        const candidate = value;
        return candidate && candidate.kind === "create" && Is.string(candidate.uri) && (candidate.options === void 0 || (candidate.options.overwrite === void 0 || Is.boolean(candidate.options.overwrite)) && (candidate.options.ignoreIfExists === void 0 || Is.boolean(candidate.options.ignoreIfExists))) && (candidate.annotationId === void 0 || ChangeAnnotationIdentifier.is(candidate.annotationId));
      }
      CreateFile2.is = is;
    })(CreateFile || (CreateFile = {}));
    (function(RenameFile2) {
      function create(oldUri, newUri, options, annotation) {
        const result = {
          kind: "rename",
          oldUri,
          newUri
        };
        if (options !== void 0 && (options.overwrite !== void 0 || options.ignoreIfExists !== void 0)) {
          result.options = options;
        }
        if (annotation !== void 0) {
          result.annotationId = annotation;
        }
        return result;
      }
      RenameFile2.create = create;
      function is(value) {
        const candidate = value;
        return candidate && candidate.kind === "rename" && Is.string(candidate.oldUri) && Is.string(candidate.newUri) && (candidate.options === void 0 || (candidate.options.overwrite === void 0 || Is.boolean(candidate.options.overwrite)) && (candidate.options.ignoreIfExists === void 0 || Is.boolean(candidate.options.ignoreIfExists))) && (candidate.annotationId === void 0 || ChangeAnnotationIdentifier.is(candidate.annotationId));
      }
      RenameFile2.is = is;
    })(RenameFile || (RenameFile = {}));
    (function(DeleteFile2) {
      function create(uri, options, annotation) {
        const result = {
          kind: "delete",
          uri
        };
        if (options !== void 0 && (options.recursive !== void 0 || options.ignoreIfNotExists !== void 0)) {
          result.options = options;
        }
        if (annotation !== void 0) {
          result.annotationId = annotation;
        }
        return result;
      }
      DeleteFile2.create = create;
      function is(value) {
        const candidate = value;
        return candidate && candidate.kind === "delete" && Is.string(candidate.uri) && (candidate.options === void 0 || (candidate.options.recursive === void 0 || Is.boolean(candidate.options.recursive)) && (candidate.options.ignoreIfNotExists === void 0 || Is.boolean(candidate.options.ignoreIfNotExists))) && (candidate.annotationId === void 0 || ChangeAnnotationIdentifier.is(candidate.annotationId));
      }
      DeleteFile2.is = is;
    })(DeleteFile || (DeleteFile = {}));
    (function(WorkspaceEdit2) {
      function is(value) {
        const candidate = value;
        return candidate && (candidate.changes !== void 0 || candidate.documentChanges !== void 0) && (candidate.documentChanges === void 0 || candidate.documentChanges.every((change) => {
          if (Is.string(change.kind)) {
            return CreateFile.is(change) || RenameFile.is(change) || DeleteFile.is(change);
          } else {
            return TextDocumentEdit.is(change);
          }
        }));
      }
      WorkspaceEdit2.is = is;
    })(WorkspaceEdit || (WorkspaceEdit = {}));
    TextEditChangeImpl = class {
      constructor(edits, changeAnnotations) {
        this.edits = edits;
        this.changeAnnotations = changeAnnotations;
      }
      insert(position, newText, annotation) {
        let edit;
        let id;
        if (annotation === void 0) {
          edit = TextEdit.insert(position, newText);
        } else if (ChangeAnnotationIdentifier.is(annotation)) {
          id = annotation;
          edit = AnnotatedTextEdit.insert(position, newText, annotation);
        } else {
          this.assertChangeAnnotations(this.changeAnnotations);
          id = this.changeAnnotations.manage(annotation);
          edit = AnnotatedTextEdit.insert(position, newText, id);
        }
        this.edits.push(edit);
        if (id !== void 0) {
          return id;
        }
      }
      replace(range, newText, annotation) {
        let edit;
        let id;
        if (annotation === void 0) {
          edit = TextEdit.replace(range, newText);
        } else if (ChangeAnnotationIdentifier.is(annotation)) {
          id = annotation;
          edit = AnnotatedTextEdit.replace(range, newText, annotation);
        } else {
          this.assertChangeAnnotations(this.changeAnnotations);
          id = this.changeAnnotations.manage(annotation);
          edit = AnnotatedTextEdit.replace(range, newText, id);
        }
        this.edits.push(edit);
        if (id !== void 0) {
          return id;
        }
      }
      delete(range, annotation) {
        let edit;
        let id;
        if (annotation === void 0) {
          edit = TextEdit.del(range);
        } else if (ChangeAnnotationIdentifier.is(annotation)) {
          id = annotation;
          edit = AnnotatedTextEdit.del(range, annotation);
        } else {
          this.assertChangeAnnotations(this.changeAnnotations);
          id = this.changeAnnotations.manage(annotation);
          edit = AnnotatedTextEdit.del(range, id);
        }
        this.edits.push(edit);
        if (id !== void 0) {
          return id;
        }
      }
      add(edit) {
        this.edits.push(edit);
      }
      all() {
        return this.edits;
      }
      clear() {
        this.edits.splice(0, this.edits.length);
      }
      assertChangeAnnotations(value) {
        if (value === void 0) {
          throw new Error(`Text edit change is not configured to manage change annotations.`);
        }
      }
    };
    (function(SnippetTextEdit2) {
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Range.is(candidate.range) && StringValue.isSnippet(candidate.snippet) && (candidate.annotationId === void 0 || (ChangeAnnotation.is(candidate.annotationId) || ChangeAnnotationIdentifier.is(candidate.annotationId)));
      }
      SnippetTextEdit2.is = is;
    })(SnippetTextEdit || (SnippetTextEdit = {}));
    ChangeAnnotations = class {
      constructor(annotations) {
        this._annotations = annotations === void 0 ? /* @__PURE__ */ Object.create(null) : annotations;
        this._counter = 0;
        this._size = 0;
      }
      all() {
        return this._annotations;
      }
      get size() {
        return this._size;
      }
      manage(idOrAnnotation, annotation) {
        let id;
        if (ChangeAnnotationIdentifier.is(idOrAnnotation)) {
          id = idOrAnnotation;
        } else {
          id = this.nextId();
          annotation = idOrAnnotation;
        }
        if (this._annotations[id] !== void 0) {
          throw new Error(`Id ${id} is already in use.`);
        }
        if (annotation === void 0) {
          throw new Error(`No annotation provided for id ${id}`);
        }
        this._annotations[id] = annotation;
        this._size++;
        return id;
      }
      nextId() {
        this._counter++;
        return this._counter.toString();
      }
    };
    WorkspaceChange = class {
      constructor(workspaceEdit) {
        this._textEditChanges = /* @__PURE__ */ Object.create(null);
        if (workspaceEdit !== void 0) {
          this._workspaceEdit = workspaceEdit;
          if (workspaceEdit.documentChanges) {
            this._changeAnnotations = new ChangeAnnotations(workspaceEdit.changeAnnotations);
            workspaceEdit.changeAnnotations = this._changeAnnotations.all();
            workspaceEdit.documentChanges.forEach((change) => {
              if (TextDocumentEdit.is(change)) {
                const textEditChange = new TextEditChangeImpl(change.edits, this._changeAnnotations);
                this._textEditChanges[change.textDocument.uri] = textEditChange;
              }
            });
          } else if (workspaceEdit.changes) {
            Object.keys(workspaceEdit.changes).forEach((key) => {
              const textEditChange = new TextEditChangeImpl(workspaceEdit.changes[key]);
              this._textEditChanges[key] = textEditChange;
            });
          }
        } else {
          this._workspaceEdit = {};
        }
      }
      /**
       * Returns the underlying {@link WorkspaceEdit} literal
       * use to be returned from a workspace edit operation like rename.
       */
      get edit() {
        this.initDocumentChanges();
        if (this._changeAnnotations !== void 0) {
          if (this._changeAnnotations.size === 0) {
            this._workspaceEdit.changeAnnotations = void 0;
          } else {
            this._workspaceEdit.changeAnnotations = this._changeAnnotations.all();
          }
        }
        return this._workspaceEdit;
      }
      getTextEditChange(key) {
        if (OptionalVersionedTextDocumentIdentifier.is(key)) {
          this.initDocumentChanges();
          if (this._workspaceEdit.documentChanges === void 0) {
            throw new Error("Workspace edit is not configured for document changes.");
          }
          const textDocument = { uri: key.uri, version: key.version };
          let result = this._textEditChanges[textDocument.uri];
          if (!result) {
            const edits = [];
            const textDocumentEdit = {
              textDocument,
              edits
            };
            this._workspaceEdit.documentChanges.push(textDocumentEdit);
            result = new TextEditChangeImpl(edits, this._changeAnnotations);
            this._textEditChanges[textDocument.uri] = result;
          }
          return result;
        } else {
          this.initChanges();
          if (this._workspaceEdit.changes === void 0) {
            throw new Error("Workspace edit is not configured for normal text edit changes.");
          }
          let result = this._textEditChanges[key];
          if (!result) {
            const edits = [];
            this._workspaceEdit.changes[key] = edits;
            result = new TextEditChangeImpl(edits);
            this._textEditChanges[key] = result;
          }
          return result;
        }
      }
      initDocumentChanges() {
        if (this._workspaceEdit.documentChanges === void 0 && this._workspaceEdit.changes === void 0) {
          this._changeAnnotations = new ChangeAnnotations();
          this._workspaceEdit.documentChanges = [];
          this._workspaceEdit.changeAnnotations = this._changeAnnotations.all();
        }
      }
      initChanges() {
        if (this._workspaceEdit.documentChanges === void 0 && this._workspaceEdit.changes === void 0) {
          this._workspaceEdit.changes = /* @__PURE__ */ Object.create(null);
        }
      }
      createFile(uri, optionsOrAnnotation, options) {
        this.initDocumentChanges();
        if (this._workspaceEdit.documentChanges === void 0) {
          throw new Error("Workspace edit is not configured for document changes.");
        }
        let annotation;
        if (ChangeAnnotation.is(optionsOrAnnotation) || ChangeAnnotationIdentifier.is(optionsOrAnnotation)) {
          annotation = optionsOrAnnotation;
        } else {
          options = optionsOrAnnotation;
        }
        let operation;
        let id;
        if (annotation === void 0) {
          operation = CreateFile.create(uri, options);
        } else {
          id = ChangeAnnotationIdentifier.is(annotation) ? annotation : this._changeAnnotations.manage(annotation);
          operation = CreateFile.create(uri, options, id);
        }
        this._workspaceEdit.documentChanges.push(operation);
        if (id !== void 0) {
          return id;
        }
      }
      renameFile(oldUri, newUri, optionsOrAnnotation, options) {
        this.initDocumentChanges();
        if (this._workspaceEdit.documentChanges === void 0) {
          throw new Error("Workspace edit is not configured for document changes.");
        }
        let annotation;
        if (ChangeAnnotation.is(optionsOrAnnotation) || ChangeAnnotationIdentifier.is(optionsOrAnnotation)) {
          annotation = optionsOrAnnotation;
        } else {
          options = optionsOrAnnotation;
        }
        let operation;
        let id;
        if (annotation === void 0) {
          operation = RenameFile.create(oldUri, newUri, options);
        } else {
          id = ChangeAnnotationIdentifier.is(annotation) ? annotation : this._changeAnnotations.manage(annotation);
          operation = RenameFile.create(oldUri, newUri, options, id);
        }
        this._workspaceEdit.documentChanges.push(operation);
        if (id !== void 0) {
          return id;
        }
      }
      deleteFile(uri, optionsOrAnnotation, options) {
        this.initDocumentChanges();
        if (this._workspaceEdit.documentChanges === void 0) {
          throw new Error("Workspace edit is not configured for document changes.");
        }
        let annotation;
        if (ChangeAnnotation.is(optionsOrAnnotation) || ChangeAnnotationIdentifier.is(optionsOrAnnotation)) {
          annotation = optionsOrAnnotation;
        } else {
          options = optionsOrAnnotation;
        }
        let operation;
        let id;
        if (annotation === void 0) {
          operation = DeleteFile.create(uri, options);
        } else {
          id = ChangeAnnotationIdentifier.is(annotation) ? annotation : this._changeAnnotations.manage(annotation);
          operation = DeleteFile.create(uri, options, id);
        }
        this._workspaceEdit.documentChanges.push(operation);
        if (id !== void 0) {
          return id;
        }
      }
    };
    (function(TextDocumentIdentifier2) {
      function create(uri) {
        return { uri };
      }
      TextDocumentIdentifier2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.string(candidate.uri);
      }
      TextDocumentIdentifier2.is = is;
    })(TextDocumentIdentifier || (TextDocumentIdentifier = {}));
    (function(VersionedTextDocumentIdentifier2) {
      function create(uri, version) {
        return { uri, version };
      }
      VersionedTextDocumentIdentifier2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.string(candidate.uri) && Is.integer(candidate.version);
      }
      VersionedTextDocumentIdentifier2.is = is;
    })(VersionedTextDocumentIdentifier || (VersionedTextDocumentIdentifier = {}));
    (function(OptionalVersionedTextDocumentIdentifier2) {
      function create(uri, version) {
        return { uri, version };
      }
      OptionalVersionedTextDocumentIdentifier2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.string(candidate.uri) && (candidate.version === null || Is.integer(candidate.version));
      }
      OptionalVersionedTextDocumentIdentifier2.is = is;
    })(OptionalVersionedTextDocumentIdentifier || (OptionalVersionedTextDocumentIdentifier = {}));
    (function(LanguageKind2) {
      LanguageKind2.ABAP = "abap";
      LanguageKind2.WindowsBat = "bat";
      LanguageKind2.BibTeX = "bibtex";
      LanguageKind2.Clojure = "clojure";
      LanguageKind2.Coffeescript = "coffeescript";
      LanguageKind2.C = "c";
      LanguageKind2.CPP = "cpp";
      LanguageKind2.CSharp = "csharp";
      LanguageKind2.CSS = "css";
      LanguageKind2.D = "d";
      LanguageKind2.Delphi = "pascal";
      LanguageKind2.Diff = "diff";
      LanguageKind2.Dart = "dart";
      LanguageKind2.Dockerfile = "dockerfile";
      LanguageKind2.Elixir = "elixir";
      LanguageKind2.Erlang = "erlang";
      LanguageKind2.FSharp = "fsharp";
      LanguageKind2.GitCommit = "git-commit";
      LanguageKind2.GitRebase = "git-rebase";
      LanguageKind2.Go = "go";
      LanguageKind2.Groovy = "groovy";
      LanguageKind2.Handlebars = "handlebars";
      LanguageKind2.Haskell = "haskell";
      LanguageKind2.HTML = "html";
      LanguageKind2.Ini = "ini";
      LanguageKind2.Java = "java";
      LanguageKind2.JavaScript = "javascript";
      LanguageKind2.JavaScriptReact = "javascriptreact";
      LanguageKind2.JSON = "json";
      LanguageKind2.LaTeX = "latex";
      LanguageKind2.Less = "less";
      LanguageKind2.Lua = "lua";
      LanguageKind2.Makefile = "makefile";
      LanguageKind2.Markdown = "markdown";
      LanguageKind2.ObjectiveC = "objective-c";
      LanguageKind2.ObjectiveCPP = "objective-cpp";
      LanguageKind2.Pascal = "pascal";
      LanguageKind2.Perl = "perl";
      LanguageKind2.Perl6 = "perl6";
      LanguageKind2.PHP = "php";
      LanguageKind2.Plaintext = "plaintext";
      LanguageKind2.Powershell = "powershell";
      LanguageKind2.Pug = "jade";
      LanguageKind2.Python = "python";
      LanguageKind2.R = "r";
      LanguageKind2.Razor = "razor";
      LanguageKind2.Ruby = "ruby";
      LanguageKind2.Rust = "rust";
      LanguageKind2.SCSS = "scss";
      LanguageKind2.SASS = "sass";
      LanguageKind2.Scala = "scala";
      LanguageKind2.ShaderLab = "shaderlab";
      LanguageKind2.ShellScript = "shellscript";
      LanguageKind2.SQL = "sql";
      LanguageKind2.Swift = "swift";
      LanguageKind2.TypeScript = "typescript";
      LanguageKind2.TypeScriptReact = "typescriptreact";
      LanguageKind2.TeX = "tex";
      LanguageKind2.VisualBasic = "vb";
      LanguageKind2.XML = "xml";
      LanguageKind2.XSL = "xsl";
      LanguageKind2.YAML = "yaml";
    })(LanguageKind || (LanguageKind = {}));
    (function(TextDocumentItem2) {
      function create(uri, languageId, version, text) {
        return { uri, languageId, version, text };
      }
      TextDocumentItem2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.string(candidate.uri) && Is.string(candidate.languageId) && Is.integer(candidate.version) && Is.string(candidate.text);
      }
      TextDocumentItem2.is = is;
    })(TextDocumentItem || (TextDocumentItem = {}));
    (function(MarkupKind2) {
      MarkupKind2.PlainText = "plaintext";
      MarkupKind2.Markdown = "markdown";
      function is(value) {
        const candidate = value;
        return candidate === MarkupKind2.PlainText || candidate === MarkupKind2.Markdown;
      }
      MarkupKind2.is = is;
    })(MarkupKind || (MarkupKind = {}));
    (function(MarkupContent2) {
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(value) && MarkupKind.is(candidate.kind) && Is.string(candidate.value);
      }
      MarkupContent2.is = is;
    })(MarkupContent || (MarkupContent = {}));
    (function(CompletionItemKind2) {
      CompletionItemKind2.Text = 1;
      CompletionItemKind2.Method = 2;
      CompletionItemKind2.Function = 3;
      CompletionItemKind2.Constructor = 4;
      CompletionItemKind2.Field = 5;
      CompletionItemKind2.Variable = 6;
      CompletionItemKind2.Class = 7;
      CompletionItemKind2.Interface = 8;
      CompletionItemKind2.Module = 9;
      CompletionItemKind2.Property = 10;
      CompletionItemKind2.Unit = 11;
      CompletionItemKind2.Value = 12;
      CompletionItemKind2.Enum = 13;
      CompletionItemKind2.Keyword = 14;
      CompletionItemKind2.Snippet = 15;
      CompletionItemKind2.Color = 16;
      CompletionItemKind2.File = 17;
      CompletionItemKind2.Reference = 18;
      CompletionItemKind2.Folder = 19;
      CompletionItemKind2.EnumMember = 20;
      CompletionItemKind2.Constant = 21;
      CompletionItemKind2.Struct = 22;
      CompletionItemKind2.Event = 23;
      CompletionItemKind2.Operator = 24;
      CompletionItemKind2.TypeParameter = 25;
    })(CompletionItemKind || (CompletionItemKind = {}));
    (function(InsertTextFormat2) {
      InsertTextFormat2.PlainText = 1;
      InsertTextFormat2.Snippet = 2;
    })(InsertTextFormat || (InsertTextFormat = {}));
    (function(CompletionItemTag2) {
      CompletionItemTag2.Deprecated = 1;
    })(CompletionItemTag || (CompletionItemTag = {}));
    (function(InsertReplaceEdit2) {
      function create(newText, insert, replace) {
        return { newText, insert, replace };
      }
      InsertReplaceEdit2.create = create;
      function is(value) {
        const candidate = value;
        return candidate && Is.string(candidate.newText) && Range.is(candidate.insert) && Range.is(candidate.replace);
      }
      InsertReplaceEdit2.is = is;
    })(InsertReplaceEdit || (InsertReplaceEdit = {}));
    (function(InsertTextMode2) {
      InsertTextMode2.asIs = 1;
      InsertTextMode2.adjustIndentation = 2;
    })(InsertTextMode || (InsertTextMode = {}));
    (function(ApplyKind2) {
      ApplyKind2.Replace = 1;
      ApplyKind2.Merge = 2;
    })(ApplyKind || (ApplyKind = {}));
    (function(CompletionItemLabelDetails2) {
      function is(value) {
        const candidate = value;
        return candidate && (Is.string(candidate.detail) || candidate.detail === void 0) && (Is.string(candidate.description) || candidate.description === void 0);
      }
      CompletionItemLabelDetails2.is = is;
    })(CompletionItemLabelDetails || (CompletionItemLabelDetails = {}));
    (function(CompletionItem2) {
      function create(label) {
        return { label };
      }
      CompletionItem2.create = create;
    })(CompletionItem || (CompletionItem = {}));
    (function(CompletionList2) {
      function create(items, isIncomplete) {
        return { items: items ? items : [], isIncomplete: !!isIncomplete };
      }
      CompletionList2.create = create;
    })(CompletionList || (CompletionList = {}));
    (function(MarkedString2) {
      function fromPlainText(plainText) {
        return plainText.replace(/[\\`*_{}[\]()#+\-.!]/g, "\\$&");
      }
      MarkedString2.fromPlainText = fromPlainText;
      function is(value) {
        const candidate = value;
        return Is.string(candidate) || Is.objectLiteral(candidate) && Is.string(candidate.language) && Is.string(candidate.value);
      }
      MarkedString2.is = is;
    })(MarkedString || (MarkedString = {}));
    (function(Hover2) {
      function is(value) {
        const candidate = value;
        return !!candidate && Is.objectLiteral(candidate) && (MarkupContent.is(candidate.contents) || MarkedString.is(candidate.contents) || Is.typedArray(candidate.contents, MarkedString.is)) && (value.range === void 0 || Range.is(value.range));
      }
      Hover2.is = is;
    })(Hover || (Hover = {}));
    (function(ParameterInformation2) {
      function create(label, documentation) {
        return documentation ? { label, documentation } : { label };
      }
      ParameterInformation2.create = create;
    })(ParameterInformation || (ParameterInformation = {}));
    (function(SignatureInformation2) {
      function create(label, documentation, ...parameters) {
        const result = { label };
        if (Is.defined(documentation)) {
          result.documentation = documentation;
        }
        if (Is.defined(parameters)) {
          result.parameters = parameters;
        } else {
          result.parameters = [];
        }
        return result;
      }
      SignatureInformation2.create = create;
    })(SignatureInformation || (SignatureInformation = {}));
    (function(DocumentHighlightKind2) {
      DocumentHighlightKind2.Text = 1;
      DocumentHighlightKind2.Read = 2;
      DocumentHighlightKind2.Write = 3;
    })(DocumentHighlightKind || (DocumentHighlightKind = {}));
    (function(DocumentHighlight2) {
      function create(range, kind) {
        const result = { range };
        if (Is.number(kind)) {
          result.kind = kind;
        }
        return result;
      }
      DocumentHighlight2.create = create;
    })(DocumentHighlight || (DocumentHighlight = {}));
    (function(SymbolKind2) {
      SymbolKind2.File = 1;
      SymbolKind2.Module = 2;
      SymbolKind2.Namespace = 3;
      SymbolKind2.Package = 4;
      SymbolKind2.Class = 5;
      SymbolKind2.Method = 6;
      SymbolKind2.Property = 7;
      SymbolKind2.Field = 8;
      SymbolKind2.Constructor = 9;
      SymbolKind2.Enum = 10;
      SymbolKind2.Interface = 11;
      SymbolKind2.Function = 12;
      SymbolKind2.Variable = 13;
      SymbolKind2.Constant = 14;
      SymbolKind2.String = 15;
      SymbolKind2.Number = 16;
      SymbolKind2.Boolean = 17;
      SymbolKind2.Array = 18;
      SymbolKind2.Object = 19;
      SymbolKind2.Key = 20;
      SymbolKind2.Null = 21;
      SymbolKind2.EnumMember = 22;
      SymbolKind2.Struct = 23;
      SymbolKind2.Event = 24;
      SymbolKind2.Operator = 25;
      SymbolKind2.TypeParameter = 26;
    })(SymbolKind || (SymbolKind = {}));
    (function(SymbolTag2) {
      SymbolTag2.Deprecated = 1;
    })(SymbolTag || (SymbolTag = {}));
    (function(SymbolInformation2) {
      function create(name, kind, range, uri, containerName) {
        const result = {
          name,
          kind,
          location: { uri, range }
        };
        if (containerName) {
          result.containerName = containerName;
        }
        return result;
      }
      SymbolInformation2.create = create;
    })(SymbolInformation || (SymbolInformation = {}));
    (function(WorkspaceSymbol2) {
      function create(name, kind, uri, range) {
        return range !== void 0 ? { name, kind, location: { uri, range } } : { name, kind, location: { uri } };
      }
      WorkspaceSymbol2.create = create;
    })(WorkspaceSymbol || (WorkspaceSymbol = {}));
    (function(DocumentSymbol2) {
      function create(name, detail, kind, range, selectionRange, children) {
        const result = {
          name,
          detail,
          kind,
          range,
          selectionRange
        };
        if (children !== void 0) {
          result.children = children;
        }
        return result;
      }
      DocumentSymbol2.create = create;
      function is(value) {
        const candidate = value;
        return candidate && Is.string(candidate.name) && Is.number(candidate.kind) && Range.is(candidate.range) && Range.is(candidate.selectionRange) && (candidate.detail === void 0 || Is.string(candidate.detail)) && (candidate.deprecated === void 0 || Is.boolean(candidate.deprecated)) && (candidate.children === void 0 || Array.isArray(candidate.children)) && (candidate.tags === void 0 || Array.isArray(candidate.tags));
      }
      DocumentSymbol2.is = is;
    })(DocumentSymbol || (DocumentSymbol = {}));
    (function(CodeActionKind2) {
      CodeActionKind2.Empty = "";
      CodeActionKind2.QuickFix = "quickfix";
      CodeActionKind2.Refactor = "refactor";
      CodeActionKind2.RefactorExtract = "refactor.extract";
      CodeActionKind2.RefactorInline = "refactor.inline";
      CodeActionKind2.RefactorMove = "refactor.move";
      CodeActionKind2.RefactorRewrite = "refactor.rewrite";
      CodeActionKind2.Source = "source";
      CodeActionKind2.SourceOrganizeImports = "source.organizeImports";
      CodeActionKind2.SourceFixAll = "source.fixAll";
      CodeActionKind2.Notebook = "notebook";
    })(CodeActionKind || (CodeActionKind = {}));
    (function(CodeActionTriggerKind2) {
      CodeActionTriggerKind2.Invoked = 1;
      CodeActionTriggerKind2.Automatic = 2;
    })(CodeActionTriggerKind || (CodeActionTriggerKind = {}));
    (function(CodeActionContext2) {
      function create(diagnostics, only, triggerKind) {
        const result = { diagnostics };
        if (only !== void 0 && only !== null) {
          result.only = only;
        }
        if (triggerKind !== void 0 && triggerKind !== null) {
          result.triggerKind = triggerKind;
        }
        return result;
      }
      CodeActionContext2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.typedArray(candidate.diagnostics, Diagnostic.is) && (candidate.only === void 0 || Is.typedArray(candidate.only, Is.string)) && (candidate.triggerKind === void 0 || candidate.triggerKind === CodeActionTriggerKind.Invoked || candidate.triggerKind === CodeActionTriggerKind.Automatic);
      }
      CodeActionContext2.is = is;
    })(CodeActionContext || (CodeActionContext = {}));
    (function(CodeActionTag2) {
      CodeActionTag2.LLMGenerated = 1;
      function is(value) {
        return Is.defined(value) && value === CodeActionTag2.LLMGenerated;
      }
      CodeActionTag2.is = is;
    })(CodeActionTag || (CodeActionTag = {}));
    (function(CodeAction2) {
      function create(title, kindOrCommandOrEdit, kind) {
        const result = { title };
        let checkKind = true;
        if (typeof kindOrCommandOrEdit === "string") {
          checkKind = false;
          result.kind = kindOrCommandOrEdit;
        } else if (Command.is(kindOrCommandOrEdit)) {
          result.command = kindOrCommandOrEdit;
        } else {
          result.edit = kindOrCommandOrEdit;
        }
        if (checkKind && kind !== void 0) {
          result.kind = kind;
        }
        return result;
      }
      CodeAction2.create = create;
      function is(value) {
        const candidate = value;
        return candidate && Is.string(candidate.title) && (candidate.diagnostics === void 0 || Is.typedArray(candidate.diagnostics, Diagnostic.is)) && (candidate.kind === void 0 || Is.string(candidate.kind)) && (candidate.edit !== void 0 || candidate.command !== void 0) && (candidate.command === void 0 || Command.is(candidate.command)) && (candidate.isPreferred === void 0 || Is.boolean(candidate.isPreferred)) && (candidate.edit === void 0 || WorkspaceEdit.is(candidate.edit)) && (candidate.tags === void 0 || Is.typedArray(candidate.tags, CodeActionTag.is));
      }
      CodeAction2.is = is;
    })(CodeAction || (CodeAction = {}));
    (function(CodeLens2) {
      function create(range, data) {
        const result = { range };
        if (Is.defined(data)) {
          result.data = data;
        }
        return result;
      }
      CodeLens2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Range.is(candidate.range) && (Is.undefined(candidate.command) || Command.is(candidate.command));
      }
      CodeLens2.is = is;
    })(CodeLens || (CodeLens = {}));
    (function(FormattingOptions2) {
      function create(tabSize, insertSpaces) {
        return { tabSize, insertSpaces };
      }
      FormattingOptions2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.uinteger(candidate.tabSize) && Is.boolean(candidate.insertSpaces);
      }
      FormattingOptions2.is = is;
    })(FormattingOptions || (FormattingOptions = {}));
    (function(DocumentLink2) {
      function create(range, target, data) {
        return { range, target, data };
      }
      DocumentLink2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Range.is(candidate.range) && (Is.undefined(candidate.target) || Is.string(candidate.target));
      }
      DocumentLink2.is = is;
    })(DocumentLink || (DocumentLink = {}));
    (function(SelectionRange2) {
      function create(range, parent) {
        return { range, parent };
      }
      SelectionRange2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Range.is(candidate.range) && (candidate.parent === void 0 || SelectionRange2.is(candidate.parent));
      }
      SelectionRange2.is = is;
    })(SelectionRange || (SelectionRange = {}));
    (function(SemanticTokenTypes2) {
      SemanticTokenTypes2["namespace"] = "namespace";
      SemanticTokenTypes2["type"] = "type";
      SemanticTokenTypes2["class"] = "class";
      SemanticTokenTypes2["enum"] = "enum";
      SemanticTokenTypes2["interface"] = "interface";
      SemanticTokenTypes2["struct"] = "struct";
      SemanticTokenTypes2["typeParameter"] = "typeParameter";
      SemanticTokenTypes2["parameter"] = "parameter";
      SemanticTokenTypes2["variable"] = "variable";
      SemanticTokenTypes2["property"] = "property";
      SemanticTokenTypes2["enumMember"] = "enumMember";
      SemanticTokenTypes2["event"] = "event";
      SemanticTokenTypes2["function"] = "function";
      SemanticTokenTypes2["method"] = "method";
      SemanticTokenTypes2["macro"] = "macro";
      SemanticTokenTypes2["keyword"] = "keyword";
      SemanticTokenTypes2["modifier"] = "modifier";
      SemanticTokenTypes2["comment"] = "comment";
      SemanticTokenTypes2["string"] = "string";
      SemanticTokenTypes2["number"] = "number";
      SemanticTokenTypes2["regexp"] = "regexp";
      SemanticTokenTypes2["operator"] = "operator";
      SemanticTokenTypes2["decorator"] = "decorator";
      SemanticTokenTypes2["label"] = "label";
    })(SemanticTokenTypes || (SemanticTokenTypes = {}));
    (function(SemanticTokenModifiers2) {
      SemanticTokenModifiers2["declaration"] = "declaration";
      SemanticTokenModifiers2["definition"] = "definition";
      SemanticTokenModifiers2["readonly"] = "readonly";
      SemanticTokenModifiers2["static"] = "static";
      SemanticTokenModifiers2["deprecated"] = "deprecated";
      SemanticTokenModifiers2["abstract"] = "abstract";
      SemanticTokenModifiers2["async"] = "async";
      SemanticTokenModifiers2["modification"] = "modification";
      SemanticTokenModifiers2["documentation"] = "documentation";
      SemanticTokenModifiers2["defaultLibrary"] = "defaultLibrary";
    })(SemanticTokenModifiers || (SemanticTokenModifiers = {}));
    (function(SemanticTokens2) {
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && (candidate.resultId === void 0 || typeof candidate.resultId === "string") && Array.isArray(candidate.data) && (candidate.data.length === 0 || typeof candidate.data[0] === "number");
      }
      SemanticTokens2.is = is;
    })(SemanticTokens || (SemanticTokens = {}));
    (function(InlineValueText2) {
      function create(range, text) {
        return { range, text };
      }
      InlineValueText2.create = create;
      function is(value) {
        const candidate = value;
        return candidate !== void 0 && candidate !== null && Range.is(candidate.range) && Is.string(candidate.text);
      }
      InlineValueText2.is = is;
    })(InlineValueText || (InlineValueText = {}));
    (function(InlineValueVariableLookup2) {
      function create(range, variableName, caseSensitiveLookup) {
        return { range, variableName, caseSensitiveLookup };
      }
      InlineValueVariableLookup2.create = create;
      function is(value) {
        const candidate = value;
        return candidate !== void 0 && candidate !== null && Range.is(candidate.range) && Is.boolean(candidate.caseSensitiveLookup) && (Is.string(candidate.variableName) || candidate.variableName === void 0);
      }
      InlineValueVariableLookup2.is = is;
    })(InlineValueVariableLookup || (InlineValueVariableLookup = {}));
    (function(InlineValueEvaluatableExpression2) {
      function create(range, expression) {
        return { range, expression };
      }
      InlineValueEvaluatableExpression2.create = create;
      function is(value) {
        const candidate = value;
        return candidate !== void 0 && candidate !== null && Range.is(candidate.range) && (Is.string(candidate.expression) || candidate.expression === void 0);
      }
      InlineValueEvaluatableExpression2.is = is;
    })(InlineValueEvaluatableExpression || (InlineValueEvaluatableExpression = {}));
    (function(InlineValueContext2) {
      function create(frameId, stoppedLocation) {
        return { frameId, stoppedLocation };
      }
      InlineValueContext2.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Range.is(value.stoppedLocation);
      }
      InlineValueContext2.is = is;
    })(InlineValueContext || (InlineValueContext = {}));
    (function(InlayHintKind2) {
      InlayHintKind2.Type = 1;
      InlayHintKind2.Parameter = 2;
      function is(value) {
        return value === 1 || value === 2;
      }
      InlayHintKind2.is = is;
    })(InlayHintKind || (InlayHintKind = {}));
    (function(InlayHintLabelPart2) {
      function create(value) {
        return { value };
      }
      InlayHintLabelPart2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && (candidate.tooltip === void 0 || Is.string(candidate.tooltip) || MarkupContent.is(candidate.tooltip)) && (candidate.location === void 0 || Location.is(candidate.location)) && (candidate.command === void 0 || Command.is(candidate.command));
      }
      InlayHintLabelPart2.is = is;
    })(InlayHintLabelPart || (InlayHintLabelPart = {}));
    (function(InlayHint2) {
      function create(position, label, kind) {
        const result = { position, label };
        if (kind !== void 0) {
          result.kind = kind;
        }
        return result;
      }
      InlayHint2.create = create;
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && Position.is(candidate.position) && (Is.string(candidate.label) || Is.typedArray(candidate.label, InlayHintLabelPart.is)) && (candidate.kind === void 0 || InlayHintKind.is(candidate.kind)) && candidate.textEdits === void 0 || Is.typedArray(candidate.textEdits, TextEdit.is) && (candidate.tooltip === void 0 || Is.string(candidate.tooltip) || MarkupContent.is(candidate.tooltip)) && (candidate.paddingLeft === void 0 || Is.boolean(candidate.paddingLeft)) && (candidate.paddingRight === void 0 || Is.boolean(candidate.paddingRight));
      }
      InlayHint2.is = is;
    })(InlayHint || (InlayHint = {}));
    (function(StringValue2) {
      function createSnippet(value) {
        return { kind: "snippet", value };
      }
      StringValue2.createSnippet = createSnippet;
      function isSnippet(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && candidate.kind === "snippet" && Is.string(candidate.value);
      }
      StringValue2.isSnippet = isSnippet;
    })(StringValue || (StringValue = {}));
    (function(InlineCompletionItem2) {
      function create(insertText, filterText, range, command) {
        return { insertText, filterText, range, command };
      }
      InlineCompletionItem2.create = create;
    })(InlineCompletionItem || (InlineCompletionItem = {}));
    (function(InlineCompletionList2) {
      function create(items) {
        return { items };
      }
      InlineCompletionList2.create = create;
    })(InlineCompletionList || (InlineCompletionList = {}));
    (function(InlineCompletionTriggerKind2) {
      InlineCompletionTriggerKind2.Invoked = 1;
      InlineCompletionTriggerKind2.Automatic = 2;
    })(InlineCompletionTriggerKind || (InlineCompletionTriggerKind = {}));
    (function(SelectedCompletionInfo2) {
      function create(range, text) {
        return { range, text };
      }
      SelectedCompletionInfo2.create = create;
    })(SelectedCompletionInfo || (SelectedCompletionInfo = {}));
    (function(InlineCompletionContext2) {
      function create(triggerKind, selectedCompletionInfo) {
        return { triggerKind, selectedCompletionInfo };
      }
      InlineCompletionContext2.create = create;
    })(InlineCompletionContext || (InlineCompletionContext = {}));
    (function(WorkspaceFolder2) {
      function is(value) {
        const candidate = value;
        return Is.objectLiteral(candidate) && URI.is(candidate.uri) && Is.string(candidate.name);
      }
      WorkspaceFolder2.is = is;
    })(WorkspaceFolder || (WorkspaceFolder = {}));
    EOL = ["\n", "\r\n", "\r"];
    (function(TextDocument3) {
      function create(uri, languageId, version, content) {
        return new FullTextDocument(uri, languageId, version, content);
      }
      TextDocument3.create = create;
      function is(value) {
        const candidate = value;
        return Is.defined(candidate) && Is.string(candidate.uri) && (Is.undefined(candidate.languageId) || Is.string(candidate.languageId)) && Is.uinteger(candidate.lineCount) && Is.func(candidate.getText) && Is.func(candidate.positionAt) && Is.func(candidate.offsetAt) ? true : false;
      }
      TextDocument3.is = is;
      function applyEdits(document, edits) {
        let text = document.getText();
        const sortedEdits = mergeSort2(edits, (a, b) => {
          const diff = a.range.start.line - b.range.start.line;
          if (diff === 0) {
            return a.range.start.character - b.range.start.character;
          }
          return diff;
        });
        let lastModifiedOffset = text.length;
        for (let i = sortedEdits.length - 1; i >= 0; i--) {
          const e = sortedEdits[i];
          const startOffset = document.offsetAt(e.range.start);
          const endOffset = document.offsetAt(e.range.end);
          if (endOffset <= lastModifiedOffset) {
            text = text.substring(0, startOffset) + e.newText + text.substring(endOffset, text.length);
          } else {
            throw new Error("Overlapping edit");
          }
          lastModifiedOffset = startOffset;
        }
        return text;
      }
      TextDocument3.applyEdits = applyEdits;
      function mergeSort2(data, compare) {
        if (data.length <= 1) {
          return data;
        }
        const p = data.length / 2 | 0;
        const left = data.slice(0, p);
        const right = data.slice(p);
        mergeSort2(left, compare);
        mergeSort2(right, compare);
        let leftIdx = 0;
        let rightIdx = 0;
        let i = 0;
        while (leftIdx < left.length && rightIdx < right.length) {
          const ret = compare(left[leftIdx], right[rightIdx]);
          if (ret <= 0) {
            data[i++] = left[leftIdx++];
          } else {
            data[i++] = right[rightIdx++];
          }
        }
        while (leftIdx < left.length) {
          data[i++] = left[leftIdx++];
        }
        while (rightIdx < right.length) {
          data[i++] = right[rightIdx++];
        }
        return data;
      }
    })(TextDocument || (TextDocument = {}));
    FullTextDocument = class {
      constructor(uri, languageId, version, content) {
        this._uri = uri;
        this._languageId = languageId;
        this._version = version;
        this._content = content;
        this._lineOffsets = void 0;
      }
      get uri() {
        return this._uri;
      }
      get languageId() {
        return this._languageId;
      }
      get version() {
        return this._version;
      }
      getText(range) {
        if (range) {
          const start = this.offsetAt(range.start);
          const end = this.offsetAt(range.end);
          return this._content.substring(start, end);
        }
        return this._content;
      }
      update(event, version) {
        this._content = event.text;
        this._version = version;
        this._lineOffsets = void 0;
      }
      getLineOffsets() {
        if (this._lineOffsets === void 0) {
          const lineOffsets = [];
          const text = this._content;
          let isLineStart = true;
          for (let i = 0; i < text.length; i++) {
            if (isLineStart) {
              lineOffsets.push(i);
              isLineStart = false;
            }
            const ch = text.charAt(i);
            isLineStart = ch === "\r" || ch === "\n";
            if (ch === "\r" && i + 1 < text.length && text.charAt(i + 1) === "\n") {
              i++;
            }
          }
          if (isLineStart && text.length > 0) {
            lineOffsets.push(text.length);
          }
          this._lineOffsets = lineOffsets;
        }
        return this._lineOffsets;
      }
      positionAt(offset) {
        offset = Math.max(Math.min(offset, this._content.length), 0);
        const lineOffsets = this.getLineOffsets();
        let low = 0, high = lineOffsets.length;
        if (high === 0) {
          return Position.create(0, offset);
        }
        while (low < high) {
          const mid = Math.floor((low + high) / 2);
          if (lineOffsets[mid] > offset) {
            high = mid;
          } else {
            low = mid + 1;
          }
        }
        const line = low - 1;
        return Position.create(line, offset - lineOffsets[line]);
      }
      offsetAt(position) {
        const lineOffsets = this.getLineOffsets();
        if (position.line >= lineOffsets.length) {
          return this._content.length;
        } else if (position.line < 0) {
          return 0;
        }
        const lineOffset = lineOffsets[position.line];
        const nextLineOffset = position.line + 1 < lineOffsets.length ? lineOffsets[position.line + 1] : this._content.length;
        return Math.max(Math.min(lineOffset + position.character, nextLineOffset), lineOffset);
      }
      get lineCount() {
        return this.getLineOffsets().length;
      }
    };
    (function(Is2) {
      const toString = Object.prototype.toString;
      function defined(value) {
        return typeof value !== "undefined";
      }
      Is2.defined = defined;
      function undefined2(value) {
        return typeof value === "undefined";
      }
      Is2.undefined = undefined2;
      function boolean(value) {
        return value === true || value === false;
      }
      Is2.boolean = boolean;
      function string(value) {
        return toString.call(value) === "[object String]";
      }
      Is2.string = string;
      function number(value) {
        return toString.call(value) === "[object Number]";
      }
      Is2.number = number;
      function numberRange(value, min, max) {
        return toString.call(value) === "[object Number]" && min <= value && value <= max;
      }
      Is2.numberRange = numberRange;
      function integer2(value) {
        return toString.call(value) === "[object Number]" && -2147483648 <= value && value <= 2147483647;
      }
      Is2.integer = integer2;
      function uinteger2(value) {
        return toString.call(value) === "[object Number]" && 0 <= value && value <= 2147483647;
      }
      Is2.uinteger = uinteger2;
      function func(value) {
        return toString.call(value) === "[object Function]";
      }
      Is2.func = func;
      function objectLiteral(value) {
        return value !== null && typeof value === "object";
      }
      Is2.objectLiteral = objectLiteral;
      function typedArray(value, check) {
        return Array.isArray(value) && value.every(check);
      }
      Is2.typedArray = typedArray;
    })(Is || (Is = {}));
  }
});

// node_modules/dockerfile-ast/lib/line.js
var require_line = __commonJS({
  "node_modules/dockerfile-ast/lib/line.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Line = void 0;
    var Line = class {
      constructor(document, range) {
        this.document = document;
        this.range = range;
      }
      getRange() {
        return this.range;
      }
      getTextContent() {
        return this.document.getText().substring(this.document.offsetAt(this.range.start), this.document.offsetAt(this.range.end));
      }
      isAfter(line) {
        return this.range.start.line > line.range.start.line;
      }
      isBefore(line) {
        return this.range.start.line < line;
      }
    };
    exports.Line = Line;
  }
});

// node_modules/dockerfile-ast/lib/util.js
var require_util = __commonJS({
  "node_modules/dockerfile-ast/lib/util.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Util = void 0;
    var Util = class _Util {
      static isUTF8BOM(char) {
        const uintArray = Uint8Array.from(Buffer.from(char, "UTF-8"));
        return uintArray[0] === 239 && uintArray[1] == 187 && uintArray[2] == 191;
      }
      static isWhitespace(char) {
        return char === " " || char === "	" || _Util.isNewline(char);
      }
      static isNewline(char) {
        return char === "\r" || char === "\n";
      }
      static findLeadingNonWhitespace(content, escapeChar) {
        whitespaceCheck: for (let i = 0; i < content.length; i++) {
          switch (content.charAt(i)) {
            case " ":
            case "	":
              continue;
            case escapeChar:
              escapeCheck: for (let j = i + 1; j < content.length; j++) {
                switch (content.charAt(j)) {
                  case " ":
                  case "	":
                    continue;
                  case "\r":
                    i = j + 1;
                    continue whitespaceCheck;
                  case "\n":
                    i = j;
                    continue whitespaceCheck;
                  default:
                    break escapeCheck;
                }
              }
              return -1;
            default:
              return i;
          }
        }
        return -1;
      }
      /**
       * Determines if the given position is contained within the given range.
       *
       * @param position the position to check
       * @param range the range to see if the position is inside of
       */
      static isInsideRange(position, range) {
        if (range.start.line === range.end.line) {
          return range.start.line === position.line && range.start.character <= position.character && position.character <= range.end.character;
        } else if (range.start.line === position.line) {
          return range.start.character <= position.character;
        } else if (range.end.line === position.line) {
          return position.character <= range.end.character;
        }
        return range.start.line < position.line && position.line < range.end.line;
      }
      static parseHeredocName(value) {
        value = value.substring(2);
        if (value.charAt(0) === "-") {
          value = value.substring(1);
        }
        if (value.charAt(0) === '"') {
          if (value.charAt(value.length - 1) !== '"') {
            return null;
          }
          value = value.substring(1, value.length - 1);
        }
        if (value.charAt(0) === "'") {
          if (value.charAt(value.length - 1) !== "'") {
            return null;
          }
          value = value.substring(1, value.length - 1);
        }
        if (value.charAt(0) === "<") {
          return null;
        }
        return value;
      }
    };
    exports.Util = Util;
  }
});

// node_modules/dockerfile-ast/lib/comment.js
var require_comment = __commonJS({
  "node_modules/dockerfile-ast/lib/comment.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Comment = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var line_1 = require_line();
    var util_1 = require_util();
    var Comment = class extends line_1.Line {
      constructor(document, range) {
        super(document, range);
      }
      toString() {
        const content = this.getContent();
        if (content) {
          return "# " + content;
        }
        return "#";
      }
      /**
       * Returns the content of this comment. This excludes leading and
       * trailing whitespace as well as the # symbol. If the comment only
       * consists of whitespace, the empty string will be returned.
       */
      getContent() {
        let range = this.getContentRange();
        if (range === null) {
          return "";
        }
        return this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
      }
      /**
       * Returns a range that includes the content of the comment
       * excluding any leading and trailing whitespace as well as the #
       * symbol. May return null if the comment only consists of whitespace
       * characters.
       */
      getContentRange() {
        let range = this.getRange();
        const startOffset = this.document.offsetAt(range.start);
        let raw = this.document.getText().substring(startOffset, this.document.offsetAt(range.end));
        let start = -1;
        let end = -1;
        for (let i = 1; i < raw.length; i++) {
          if (!util_1.Util.isWhitespace(raw.charAt(i))) {
            start = i;
            break;
          }
        }
        if (start === -1) {
          return null;
        }
        for (let i = raw.length - 1; i >= 1; i--) {
          if (!util_1.Util.isWhitespace(raw.charAt(i))) {
            end = i + 1;
            break;
          }
        }
        return vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + start), this.document.positionAt(startOffset + end));
      }
    };
    exports.Comment = Comment;
  }
});

// node_modules/vscode-languageserver-textdocument/lib/esm/main.js
var main_exports2 = {};
__export(main_exports2, {
  TextDocument: () => TextDocument2
});
function mergeSort(data, compare) {
  if (data.length <= 1) {
    return data;
  }
  const p = data.length / 2 | 0;
  const left = data.slice(0, p);
  const right = data.slice(p);
  mergeSort(left, compare);
  mergeSort(right, compare);
  let leftIdx = 0;
  let rightIdx = 0;
  let i = 0;
  while (leftIdx < left.length && rightIdx < right.length) {
    const ret = compare(left[leftIdx], right[rightIdx]);
    if (ret <= 0) {
      data[i++] = left[leftIdx++];
    } else {
      data[i++] = right[rightIdx++];
    }
  }
  while (leftIdx < left.length) {
    data[i++] = left[leftIdx++];
  }
  while (rightIdx < right.length) {
    data[i++] = right[rightIdx++];
  }
  return data;
}
function computeLineOffsets(text, isAtLineStart, textOffset = 0) {
  const result = isAtLineStart ? [textOffset] : [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isEOL(ch)) {
      if (ch === 13 && i + 1 < text.length && text.charCodeAt(i + 1) === 10) {
        i++;
      }
      result.push(textOffset + i + 1);
    }
  }
  return result;
}
function isEOL(char) {
  return char === 13 || char === 10;
}
function getWellformedRange(range) {
  const start = range.start;
  const end = range.end;
  if (start.line > end.line || start.line === end.line && start.character > end.character) {
    return { start: end, end: start };
  }
  return range;
}
function getWellformedEdit(textEdit) {
  const range = getWellformedRange(textEdit.range);
  if (range !== textEdit.range) {
    return { newText: textEdit.newText, range };
  }
  return textEdit;
}
var FullTextDocument2, TextDocument2;
var init_main2 = __esm({
  "node_modules/vscode-languageserver-textdocument/lib/esm/main.js"() {
    "use strict";
    FullTextDocument2 = class _FullTextDocument {
      constructor(uri, languageId, version, content) {
        this._uri = uri;
        this._languageId = languageId;
        this._version = version;
        this._content = content;
        this._lineOffsets = void 0;
      }
      get uri() {
        return this._uri;
      }
      get languageId() {
        return this._languageId;
      }
      get version() {
        return this._version;
      }
      getText(range) {
        if (range) {
          const start = this.offsetAt(range.start);
          const end = this.offsetAt(range.end);
          return this._content.substring(start, end);
        }
        return this._content;
      }
      update(changes, version) {
        for (const change of changes) {
          if (_FullTextDocument.isIncremental(change)) {
            const range = getWellformedRange(change.range);
            const startOffset = this.offsetAt(range.start);
            const endOffset = this.offsetAt(range.end);
            this._content = this._content.substring(0, startOffset) + change.text + this._content.substring(endOffset, this._content.length);
            const insertedEndOffset = startOffset + change.text.length;
            const crlfAtStart = this._content.charCodeAt(startOffset - 1) === 13 && this._content.charCodeAt(startOffset) === 10;
            const crlfAtEnd = this._content.charCodeAt(insertedEndOffset - 1) === 13 && this._content.charCodeAt(insertedEndOffset) === 10;
            if (crlfAtStart || crlfAtEnd) {
              this._lineOffsets = void 0;
              continue;
            }
            const startLine = Math.max(range.start.line, 0);
            const endLine = Math.max(range.end.line, 0);
            let lineOffsets = this._lineOffsets;
            const addedLineOffsets = computeLineOffsets(change.text, false, startOffset);
            if (endLine - startLine === addedLineOffsets.length) {
              for (let i = 0, len = addedLineOffsets.length; i < len; i++) {
                lineOffsets[i + startLine + 1] = addedLineOffsets[i];
              }
            } else {
              if (addedLineOffsets.length < 1e4) {
                lineOffsets.splice(startLine + 1, endLine - startLine, ...addedLineOffsets);
              } else {
                this._lineOffsets = lineOffsets = lineOffsets.slice(0, startLine + 1).concat(addedLineOffsets, lineOffsets.slice(endLine + 1));
              }
            }
            const diff = change.text.length - (endOffset - startOffset);
            if (diff !== 0) {
              for (let i = startLine + 1 + addedLineOffsets.length, len = lineOffsets.length; i < len; i++) {
                lineOffsets[i] = lineOffsets[i] + diff;
              }
            }
          } else if (_FullTextDocument.isFull(change)) {
            this._content = change.text;
            this._lineOffsets = void 0;
          } else {
            throw new Error("Unknown change event received");
          }
        }
        this._version = version;
      }
      getLineOffsets() {
        if (this._lineOffsets === void 0) {
          this._lineOffsets = computeLineOffsets(this._content, true);
        }
        return this._lineOffsets;
      }
      positionAt(offset) {
        offset = Math.max(Math.min(offset, this._content.length), 0);
        const lineOffsets = this.getLineOffsets();
        let low = 0, high = lineOffsets.length;
        if (high === 0) {
          return { line: 0, character: offset };
        }
        while (low < high) {
          const mid = Math.floor((low + high) / 2);
          if (lineOffsets[mid] > offset) {
            high = mid;
          } else {
            low = mid + 1;
          }
        }
        const line = low - 1;
        offset = this.ensureBeforeEOL(offset, lineOffsets[line]);
        return { line, character: offset - lineOffsets[line] };
      }
      offsetAt(position) {
        const lineOffsets = this.getLineOffsets();
        if (position.line >= lineOffsets.length) {
          return this._content.length;
        } else if (position.line < 0) {
          return 0;
        }
        const lineOffset = lineOffsets[position.line];
        if (position.character <= 0) {
          return lineOffset;
        }
        const nextLineOffset = position.line + 1 < lineOffsets.length ? lineOffsets[position.line + 1] : this._content.length;
        const offset = Math.min(lineOffset + position.character, nextLineOffset);
        return this.ensureBeforeEOL(offset, lineOffset);
      }
      getLineRange(line) {
        const lineOffsets = this.getLineOffsets();
        if (line >= lineOffsets.length) {
          const lastLine = lineOffsets.length - 1;
          return { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: this._content.length - lineOffsets[lastLine] } };
        } else if (line < 0) {
          return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        }
        const startOffset = lineOffsets[line];
        const nextLineOffset = line + 1 < lineOffsets.length ? lineOffsets[line + 1] : this._content.length;
        const endOffset = this.ensureBeforeEOL(nextLineOffset, startOffset);
        return { start: { line, character: 0 }, end: { line, character: endOffset - startOffset } };
      }
      getEOLCharacters(line) {
        const lineOffsets = this.getLineOffsets();
        if (line >= lineOffsets.length) {
          return "";
        } else if (line < 0) {
          return "";
        }
        const nextLineOffset = line + 1 < lineOffsets.length ? lineOffsets[line + 1] : this._content.length;
        const eolOffset = this.ensureBeforeEOL(nextLineOffset, lineOffsets[line]);
        return this._content.substring(eolOffset, nextLineOffset);
      }
      ensureBeforeEOL(offset, lineOffset) {
        while (offset > lineOffset && isEOL(this._content.charCodeAt(offset - 1))) {
          offset--;
        }
        return offset;
      }
      get lineCount() {
        return this.getLineOffsets().length;
      }
      static isIncremental(event) {
        const candidate = event;
        return candidate !== void 0 && candidate !== null && typeof candidate.text === "string" && candidate.range !== void 0 && (candidate.rangeLength === void 0 || typeof candidate.rangeLength === "number");
      }
      static isFull(event) {
        const candidate = event;
        return candidate !== void 0 && candidate !== null && typeof candidate.text === "string" && candidate.range === void 0 && candidate.rangeLength === void 0;
      }
    };
    (function(TextDocument3) {
      function create(uri, languageId, version, content) {
        return new FullTextDocument2(uri, languageId, version, content);
      }
      TextDocument3.create = create;
      function update(document, changes, version) {
        if (document instanceof FullTextDocument2) {
          document.update(changes, version);
          return document;
        } else {
          throw new Error("TextDocument.update: document must be created by TextDocument.create");
        }
      }
      TextDocument3.update = update;
      function applyEdits(document, edits) {
        const text = document.getText();
        const sortedEdits = mergeSort(edits.map(getWellformedEdit), (a, b) => {
          const diff = a.range.start.line - b.range.start.line;
          if (diff === 0) {
            return a.range.start.character - b.range.start.character;
          }
          return diff;
        });
        let lastModifiedOffset = 0;
        const spans = [];
        for (const e of sortedEdits) {
          const startOffset = document.offsetAt(e.range.start);
          if (startOffset < lastModifiedOffset) {
            throw new Error("Overlapping edit");
          } else if (startOffset > lastModifiedOffset) {
            spans.push(text.substring(lastModifiedOffset, startOffset));
          }
          if (e.newText.length) {
            spans.push(e.newText);
          }
          lastModifiedOffset = document.offsetAt(e.range.end);
        }
        spans.push(text.substr(lastModifiedOffset));
        return spans.join("");
      }
      TextDocument3.applyEdits = applyEdits;
    })(TextDocument2 || (TextDocument2 = {}));
  }
});

// node_modules/dockerfile-ast/lib/parserDirective.js
var require_parserDirective = __commonJS({
  "node_modules/dockerfile-ast/lib/parserDirective.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ParserDirective = void 0;
    var main_1 = require_main();
    var line_1 = require_line();
    var ParserDirective = class extends line_1.Line {
      constructor(document, range, nameRange, valueRange) {
        super(document, range);
        this.nameRange = nameRange;
        this.valueRange = valueRange;
      }
      toString() {
        return "# " + this.getName() + "=" + this.getValue();
      }
      getNameRange() {
        return this.nameRange;
      }
      getValueRange() {
        return this.valueRange;
      }
      getName() {
        return this.document.getText().substring(this.document.offsetAt(this.nameRange.start), this.document.offsetAt(this.nameRange.end));
      }
      getValue() {
        return this.document.getText().substring(this.document.offsetAt(this.valueRange.start), this.document.offsetAt(this.valueRange.end));
      }
      getDirective() {
        const directive = main_1.Directive[this.getName().toLowerCase()];
        return directive === void 0 ? null : directive;
      }
    };
    exports.ParserDirective = ParserDirective;
  }
});

// node_modules/dockerfile-ast/lib/heredoc.js
var require_heredoc = __commonJS({
  "node_modules/dockerfile-ast/lib/heredoc.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Heredoc = void 0;
    var Heredoc = class {
      constructor(startRange, name, nameRange, contentRange, endRange) {
        this.startRange = startRange;
        this.name = name;
        this.nameRange = nameRange;
        this.contentRange = contentRange;
        this.endRange = endRange;
      }
      /**
       * Returns the name of the here-document.
       *
       * This API is experimental and subject to change.
       */
      getName() {
        return this.name;
      }
      /**
       * Returns the range of the start operator and the name. If the
       * here-document is initialized with <<EOT then the start range would
       * encompass all five characters.
       *
       * This API is experimental and subject to change.
       */
      getStartRange() {
        return this.startRange;
      }
      /**
       * Returns the range of this here-document's name that is declared at
       * the beginning of the here-document with the operator. If the
       * here-document is initialized with <<EOT then the name range would
       * encompass the latter three "EOT" characters.
       *
       * This API is experimental and subject to change.
       */
      getNameRange() {
        return this.nameRange;
      }
      /**
       * Returns the range of the content of this here-document. This may
       * be null if the here-document has no content because:
       * - the start range is the only thing that was declared
       * - the end range was declared immediately and there is no content
       *
       * This API is experimental and subject to change.
       */
      getContentRange() {
        return this.contentRange;
      }
      /**
       * Returns the range of the here-document's name on a line that
       * represents the end of the here-document.
       *
       * This API is experimental and subject to change.
       */
      getDelimiterRange() {
        return this.endRange;
      }
    };
    exports.Heredoc = Heredoc;
  }
});

// node_modules/dockerfile-ast/lib/variable.js
var require_variable = __commonJS({
  "node_modules/dockerfile-ast/lib/variable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Variable = void 0;
    var Variable = class {
      constructor(name, nameRange, range, modifier, modifierRange, substitutionParameter, substitutionRange, defined, buildVariable, stringValue) {
        this.name = name;
        this.nameRange = nameRange;
        this.range = range;
        this.modifier = modifier;
        this.modifierRange = modifierRange;
        this.substitutionParameter = substitutionParameter;
        this.substitutionRange = substitutionRange;
        this.defined = defined;
        this.buildVariable = buildVariable;
        this.stringValue = stringValue;
      }
      toString() {
        return this.stringValue;
      }
      getName() {
        return this.name;
      }
      getNameRange() {
        return this.nameRange;
      }
      /**
       * Returns the range of the entire variable. This includes the symbols for
       * the declaration of the variable such as the $, {, and } symbols.
       *
       * @return the range in the document that this variable encompasses in its
       *         entirety
       */
      getRange() {
        return this.range;
      }
      /**
       * Returns the modifier character that has been set for
       * specifying how this variable should be expanded and resolved.
       * If this variable is ${variable:+value} then the modifier
       * character is '+'. Will be the empty string if the variable is
       * declared as ${variable:}. Otherwise, will be null if this
       * variable will not use variable substitution at all (such as
       * ${variable} or $variable).
       *
       * @return this variable's modifier character, or the empty
       *         string if it does not have one, or null if this
       *         variable will not use variable substitution
       */
      getModifier() {
        return this.modifier;
      }
      getModifierRange() {
        return this.modifierRange;
      }
      /**
       * Returns the parameter that will be used for substitution if
       * this variable uses modifiers to define how its value should be
       * resolved. If this variable is ${variable:+value} then the
       * substitution value will be 'value'. Will be the empty string
       * if the variable is declared as ${variable:+} or some other
       * variant where the only thing that follows the modifier
       * character (excluding considerations of escape characters and
       * so on) is the variable's closing bracket. May be null if this
       * variable does not have a modifier character defined (such as
       * ${variable} or $variable).
       *
       * @return this variable's substitution parameter, or the empty
       *         string if it does not have one, or null if there is
       *         not one defined
       */
      getSubstitutionParameter() {
        return this.substitutionParameter;
      }
      getSubstitutionRange() {
        return this.substitutionRange;
      }
      /**
       * Returns whether this variable has been defined or not.
       *
       * @return true if this variable has been defined, false otherwise
       */
      isDefined() {
        return this.defined;
      }
      isBuildVariable() {
        return this.buildVariable === true;
      }
      isEnvironmentVariable() {
        return this.buildVariable === false;
      }
    };
    exports.Variable = Variable;
  }
});

// node_modules/dockerfile-ast/lib/instruction.js
var require_instruction = __commonJS({
  "node_modules/dockerfile-ast/lib/instruction.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Instruction = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var util_1 = require_util();
    var line_1 = require_line();
    var argument_1 = require_argument();
    var heredoc_1 = require_heredoc();
    var variable_1 = require_variable();
    var main_1 = require_main();
    var Instruction = class extends line_1.Line {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range);
        this.dockerfile = dockerfile;
        this.escapeChar = escapeChar;
        this.instruction = instruction;
        this.instructionRange = instructionRange;
      }
      toString() {
        let value = this.getKeyword();
        for (let arg of this.getRawArguments()) {
          value += " ";
          value += arg.getValue();
        }
        return value;
      }
      getRangeContent(range) {
        if (range === null) {
          return null;
        }
        return this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
      }
      getInstructionRange() {
        return this.instructionRange;
      }
      getInstruction() {
        return this.instruction;
      }
      getKeyword() {
        return this.getInstruction().toUpperCase();
      }
      getArgumentsRange() {
        let args = this.getArguments();
        if (args.length === 0) {
          return null;
        }
        return vscode_languageserver_types_1.Range.create(args[0].getRange().start, args[args.length - 1].getRange().end);
      }
      getArgumentsRanges() {
        let args = this.getArguments();
        if (args.length === 0) {
          return [];
        }
        if (args[0].getRange().start.line === args[args.length - 1].getRange().end.line) {
          return [vscode_languageserver_types_1.Range.create(args[0].getRange().start, args[args.length - 1].getRange().end)];
        }
        let ranges = [];
        let end = -1;
        let startPosition = args[0].getRange().start;
        let range = this.getInstructionRange();
        let extra = this.document.offsetAt(startPosition) - this.document.offsetAt(range.start);
        let content = this.getTextContent();
        let fullArgs = content.substring(extra, this.document.offsetAt(args[args.length - 1].getRange().end) - this.document.offsetAt(range.start));
        let offset = this.document.offsetAt(range.start) + extra;
        let start = false;
        let comment = false;
        for (let i = 0; i < fullArgs.length; i++) {
          let char = fullArgs.charAt(i);
          if (char === this.escapeChar) {
            let next = fullArgs.charAt(i + 1);
            if (next === " " || next === "	") {
              whitespaceCheck: for (let j = i + 2; j < fullArgs.length; j++) {
                switch (fullArgs.charAt(j)) {
                  case " ":
                  case "	":
                    continue;
                  case "\r":
                    j++;
                  case "\n":
                    if (startPosition !== null) {
                      ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
                    }
                    startPosition = null;
                    start = true;
                    comment = false;
                    i = j;
                    break whitespaceCheck;
                  default:
                    break whitespaceCheck;
                }
              }
            } else if (next === "\r") {
              if (startPosition !== null) {
                ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
                startPosition = null;
              }
              start = true;
              comment = false;
              i += 2;
            } else if (next === "\n") {
              if (startPosition !== null) {
                ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
              }
              startPosition = null;
              start = true;
              comment = false;
              i++;
            } else {
              i++;
            }
          } else if (util_1.Util.isNewline(char)) {
            if (comment) {
              startPosition = null;
              start = true;
              comment = false;
            }
          } else {
            if (!comment) {
              if (startPosition === null) {
                if (char === "#") {
                  comment = true;
                  continue;
                }
                let position = this.document.positionAt(offset + i);
                if (position.character !== 0) {
                  startPosition = vscode_languageserver_types_1.Position.create(position.line, 0);
                }
              }
              end = i;
            }
          }
        }
        if (startPosition === null) {
          ranges.push(vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + end), this.document.positionAt(offset + end + 1)));
        } else {
          ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
        }
        return ranges;
      }
      getRawArgumentsContent() {
        let args = this.getArguments();
        if (args.length === 0) {
          return null;
        }
        return this.getRangeContent(vscode_languageserver_types_1.Range.create(args[0].getRange().start, args[args.length - 1].getRange().end));
      }
      getArgumentsContent() {
        let args = this.getArguments();
        if (args.length === 0) {
          return null;
        }
        let content = "";
        let ranges = this.getArgumentsRanges();
        let documentText = this.document.getText();
        for (let range of ranges) {
          content += documentText.substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
        }
        return content;
      }
      getArguments() {
        return this.getRawArguments();
      }
      getRawArguments() {
        let args = [];
        let range = this.getInstructionRange();
        let extra = this.document.offsetAt(range.end) - this.document.offsetAt(range.start);
        let content = this.getTextContent();
        let fullArgs = content.substring(extra);
        let offset = this.document.offsetAt(range.start) + extra;
        let start = false;
        let comment = false;
        let found = -1;
        let escapedWhitespaceDetected = false;
        let escaping = false;
        let escapeMarker = -1;
        let escapedArg = "";
        for (let i = 0; i < fullArgs.length; i++) {
          let char = fullArgs.charAt(i);
          if (util_1.Util.isWhitespace(char)) {
            if (escaping) {
              escapedWhitespaceDetected = true;
              if (util_1.Util.isNewline(char)) {
                escapedWhitespaceDetected = false;
                if (comment) {
                  comment = false;
                  start = true;
                }
              }
              continue;
            } else if (found !== -1) {
              if (escapeMarker === -1) {
                args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + i))));
              } else {
                args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
              }
              escapeMarker = -1;
              escapedArg = "";
              found = -1;
            }
          } else if (char === this.escapeChar) {
            let next = fullArgs.charAt(i + 1);
            if (next === " " || next === "	") {
              whitespaceCheck: for (let j = i + 2; j < fullArgs.length; j++) {
                let newlineCheck = fullArgs.charAt(j);
                switch (newlineCheck) {
                  case " ":
                  case "	":
                    continue;
                  case "\r":
                    j++;
                  case "\n":
                    comment = false;
                    escaping = true;
                    start = true;
                    if (found !== -1) {
                      escapeMarker = i;
                    }
                    i = j;
                    break whitespaceCheck;
                  default:
                    escapeMarker = i;
                    if (found === -1) {
                      i = j - 1;
                    }
                    break whitespaceCheck;
                }
              }
            } else if (next === "\r") {
              comment = false;
              escaping = true;
              start = true;
              if (found !== -1 && escapeMarker === -1) {
                escapeMarker = i;
              }
              i += 2;
            } else if (next === "\n") {
              comment = false;
              escaping = true;
              start = true;
              if (found !== -1 && escapeMarker === -1) {
                escapeMarker = i;
              }
              i++;
            } else {
              if (escapedWhitespaceDetected && escapeMarker !== -1) {
                args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
                escapedArg = "";
                found = -1;
              }
              escapeMarker = -1;
              escapedWhitespaceDetected = false;
              escaping = false;
              if (next === "$") {
                escapedArg = escapedArg + char + next;
              } else if (next === "") {
                break;
              } else {
                escapedArg = escapedArg + next;
              }
              if (found === -1) {
                found = i;
              }
              i++;
            }
          } else if (!comment) {
            if (start && char === "#") {
              comment = true;
            } else {
              if (escapedWhitespaceDetected && escapeMarker !== -1) {
                args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
                escapedArg = "";
                found = -1;
              }
              escapedWhitespaceDetected = false;
              escaping = false;
              escapeMarker = -1;
              escapedArg = escapedArg + char;
              if (found === -1) {
                found = i;
              }
            }
            start = false;
          }
        }
        if (found !== -1) {
          if (escapeMarker === -1) {
            args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + fullArgs.length))));
          } else {
            args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
          }
        }
        return args;
      }
      getExpandedArguments() {
        let args = this.getArguments();
        for (let i = 0; i < args.length; i++) {
          const argRange = args[i].getRange();
          let offset = this.document.offsetAt(argRange.start);
          const variables = this.parseVariables(offset, args[i].getValue());
          const swaps = [];
          let requiresExpansion = false;
          for (let variable of variables) {
            const value = this.dockerfile.resolveVariable(variable.getName(), variable.getNameRange().start.line);
            swaps.push(value);
            requiresExpansion = requiresExpansion || value !== void 0;
          }
          if (requiresExpansion) {
            let expanded = "";
            for (let j = 0; j < swaps.length; j++) {
              const variableRange = variables[j].getRange();
              const start = this.document.offsetAt(variableRange.start);
              const end = this.document.offsetAt(variableRange.end);
              if (swaps[j]) {
                expanded += this.document.getText().substring(offset, start);
                expanded += swaps[j];
                offset = end;
              } else {
                expanded += this.document.getText().substring(offset, end);
                offset = end;
              }
            }
            const argEnd = this.document.offsetAt(argRange.end);
            if (argEnd !== offset) {
              expanded += this.document.getText().substring(offset, argEnd);
            }
            args[i] = new argument_1.Argument(expanded, argRange);
          }
        }
        return args;
      }
      getVariables() {
        const variables = [];
        const args = this.getRawArguments();
        for (const arg of args) {
          let range = arg.getRange();
          let rawValue = this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
          const parsedVariables = this.parseVariables(this.document.offsetAt(arg.getRange().start), rawValue);
          for (const parsedVariable of parsedVariables) {
            variables.push(parsedVariable);
          }
        }
        return variables;
      }
      parseVariables(offset, arg) {
        let variables = [];
        variableLoop: for (let i = 0; i < arg.length; i++) {
          switch (arg.charAt(i)) {
            case this.escapeChar:
              if (arg.charAt(i + 1) === "$") {
                i++;
              }
              break;
            case "$":
              if (arg.charAt(i + 1) === "{") {
                let escapedString = "${";
                let escapedName = "";
                let nameEnd = -1;
                let escapedSubstitutionParameter = "";
                let substitutionStart = -1;
                let substitutionEnd = -1;
                let modifierRead = -1;
                nameLoop: for (let j = i + 2; j < arg.length; j++) {
                  let char = arg.charAt(j);
                  switch (char) {
                    case this.escapeChar:
                      for (let k = j + 1; k < arg.length; k++) {
                        switch (arg.charAt(k)) {
                          case " ":
                          case "	":
                          case "\r":
                            continue;
                          case "\n":
                            j = k;
                            continue nameLoop;
                        }
                      }
                      break;
                    case "}":
                      escapedString += "}";
                      let modifier = null;
                      let modifierRange = null;
                      let substitutionParameter = modifierRead !== -1 ? escapedSubstitutionParameter : null;
                      let substitutionRange = null;
                      if (nameEnd === -1) {
                        nameEnd = j;
                      } else if (nameEnd + 1 === j) {
                        modifier = "";
                        modifierRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + nameEnd + 1), this.document.positionAt(offset + nameEnd + 1));
                      } else {
                        if (substitutionStart === -1) {
                          substitutionStart = modifierRead + 1;
                          substitutionEnd = modifierRead + 1;
                        } else {
                          substitutionEnd = substitutionEnd + 1;
                        }
                        modifier = arg.substring(modifierRead, modifierRead + 1);
                        modifierRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + modifierRead), this.document.positionAt(offset + modifierRead + 1));
                        substitutionRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + substitutionStart), this.document.positionAt(offset + substitutionEnd));
                      }
                      let start = this.document.positionAt(offset + i);
                      variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 2), this.document.positionAt(offset + nameEnd)), vscode_languageserver_types_1.Range.create(start, this.document.positionAt(offset + j + 1)), modifier, modifierRange, substitutionParameter, substitutionRange, this.dockerfile.resolveVariable(escapedName, start.line) !== void 0, this.isBuildVariable(escapedName, start.line), escapedString));
                      i = j;
                      continue variableLoop;
                    case ":":
                      if (nameEnd === -1) {
                        nameEnd = j;
                      } else if (modifierRead !== -1) {
                        if (substitutionStart === -1) {
                          substitutionStart = j;
                          substitutionEnd = j;
                        } else {
                          substitutionEnd = j;
                        }
                        escapedSubstitutionParameter += ":";
                      } else {
                        modifierRead = j;
                      }
                      escapedString += ":";
                      break;
                    case "\n":
                    case "\r":
                    case " ":
                    case "	":
                      break;
                    default:
                      if (nameEnd === -1) {
                        escapedName += char;
                      } else if (modifierRead !== -1) {
                        if (substitutionStart === -1) {
                          substitutionStart = j;
                          substitutionEnd = j;
                        } else {
                          substitutionEnd = j;
                        }
                        escapedSubstitutionParameter += char;
                      } else {
                        modifierRead = j;
                      }
                      escapedString += char;
                      break;
                  }
                }
                break variableLoop;
              } else if (util_1.Util.isWhitespace(arg.charAt(i + 1)) || i === arg.length - 1) {
                continue;
              } else {
                let escapedName = "";
                nameLoop: for (let j = i + 1; j < arg.length; j++) {
                  let char = arg.charAt(j);
                  switch (char) {
                    case "\r":
                    case "\n":
                    case " ":
                    case "	":
                      continue;
                    case "$":
                    case "'":
                    case '"':
                      let varStart = this.document.positionAt(offset + i);
                      variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + j)), vscode_languageserver_types_1.Range.create(varStart, this.document.positionAt(offset + j)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, varStart.line) !== void 0, this.isBuildVariable(escapedName, varStart.line), "$" + escapedName));
                      i = j - 1;
                      continue variableLoop;
                    case this.escapeChar:
                      for (let k = j + 1; k < arg.length; k++) {
                        switch (arg.charAt(k)) {
                          case " ":
                          case "	":
                          case "\r":
                            continue;
                          case "\n":
                            j = k;
                            continue nameLoop;
                        }
                      }
                      let start2 = this.document.positionAt(offset + i);
                      variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + j)), vscode_languageserver_types_1.Range.create(start2, this.document.positionAt(offset + j)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, start2.line) !== void 0, this.isBuildVariable(escapedName, start2.line), "$" + escapedName));
                      break variableLoop;
                  }
                  if (char.match(/^[a-z0-9_]+$/i) === null) {
                    let varStart = this.document.positionAt(offset + i);
                    variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + j)), vscode_languageserver_types_1.Range.create(varStart, this.document.positionAt(offset + j)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, varStart.line) !== void 0, this.isBuildVariable(escapedName, varStart.line), "$" + escapedName));
                    i = j - 1;
                    continue variableLoop;
                  }
                  escapedName += char;
                }
                let start = this.document.positionAt(offset + i);
                variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + arg.length)), vscode_languageserver_types_1.Range.create(start, this.document.positionAt(offset + arg.length)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, start.line) !== void 0, this.isBuildVariable(escapedName, start.line), "$" + escapedName));
              }
              break variableLoop;
          }
        }
        return variables;
      }
      isBuildVariable(variable, line) {
        if (this.getKeyword() === main_1.Keyword.FROM) {
          for (const initialArg of this.dockerfile.getInitialARGs()) {
            const arg = initialArg;
            const property = arg.getProperty();
            if (property && variable === property.getName()) {
              return true;
            }
          }
          return void 0;
        }
        let image = this.dockerfile.getContainingImage(vscode_languageserver_types_1.Position.create(line, 0));
        let envs = image.getENVs();
        for (let i = envs.length - 1; i >= 0; i--) {
          if (envs[i].isBefore(line)) {
            for (let property of envs[i].getProperties()) {
              if (property.getName() === variable) {
                return false;
              }
            }
          }
        }
        let args = image.getARGs();
        for (let i = args.length - 1; i >= 0; i--) {
          if (args[i].isBefore(line)) {
            let property = args[i].getProperty();
            if (property && property.getName() === variable) {
              return true;
            }
          }
        }
        return void 0;
      }
      createSingleLineHeredocs(args) {
        const heredocs = [];
        for (const arg of args) {
          const value = arg.getValue();
          if (value.startsWith("<<") && util_1.Util.parseHeredocName(value) !== null) {
            const startRange = arg.getRange();
            const nameRange = this.getNameRange(startRange);
            const name = this.getName(nameRange);
            heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, null, null));
          }
        }
        return heredocs;
      }
      getName(nameRange) {
        const content = this.document.getText(nameRange);
        let escaping = false;
        let name = "";
        nameLoop: for (let i = 0; i < content.length; i++) {
          const ch = content.charAt(i);
          switch (ch) {
            case this.escapeChar:
              escaping = true;
              for (let j = i + 1; j < content.length; j++) {
                switch (content.charAt(j)) {
                  case " ":
                  case "	":
                    break;
                  case "\r":
                    i = j + 1;
                    continue nameLoop;
                  case "\n":
                    i = j;
                    continue nameLoop;
                  default:
                    name += content.charAt(j);
                    i = j;
                    continue nameLoop;
                }
              }
              break;
            case "#":
              if (escaping) {
                for (let j = i + 1; j < content.length; j++) {
                  switch (content.charAt(j)) {
                    case "\n":
                      i = j;
                      continue nameLoop;
                  }
                }
              }
            case " ":
            case "	":
            case "\r":
            case "\n":
              if (escaping) {
                break;
              }
            default:
              name += ch;
              break;
          }
        }
        return name;
      }
      getNameRange(startRange) {
        const content = this.document.getText(startRange);
        let endFound = false;
        let searchHyphen = false;
        let start = -1;
        let end = -1;
        let escaping = false;
        let quote = null;
        contentLoop: for (let i = 0; i < content.length; i++) {
          const ch = content.charAt(i);
          switch (ch) {
            case '"':
            case "'":
              if (quote === ch) {
                break contentLoop;
              }
              quote = ch;
              continue;
            case this.escapeChar:
              for (let j = i + 1; j < content.length; j++) {
                switch (content.charAt(j)) {
                  case "\n":
                    escaping = true;
                    j = i;
                    continue contentLoop;
                }
              }
              break;
            case " ":
            case "	":
            case "\r":
            case "\n":
              break;
            case "<":
              if (endFound) {
                searchHyphen = true;
              } else {
                endFound = true;
              }
              break;
            case "-":
              if (searchHyphen) {
                searchHyphen = false;
                break;
              }
            case "#":
              if (escaping) {
                for (let j = i + 1; j < content.length; j++) {
                  switch (content.charAt(j)) {
                    case "\n":
                      i = j;
                      continue contentLoop;
                  }
                }
              }
            default:
              if (start === -1) {
                start = i;
              }
              if (quote !== null) {
                end = i + 1;
                break;
              }
              break contentLoop;
          }
        }
        if (start === -1) {
          return vscode_languageserver_types_1.Range.create(startRange.end, startRange.end);
        }
        const nameStart = this.document.positionAt(this.document.offsetAt(startRange.start) + start);
        const nameEnd = quote !== null ? this.document.positionAt(this.document.offsetAt(startRange.start) + end) : startRange.end;
        return vscode_languageserver_types_1.Range.create(nameStart, nameEnd);
      }
      getHeredocs() {
        const args = this.getArguments();
        if (args.length === 0) {
          return [];
        }
        const heredocs = [];
        const range = this.getRange();
        if (range.start.line === range.end.line) {
          return this.createSingleLineHeredocs(args);
        }
        const heredocDefinitions = [];
        let heredocsProcessed = false;
        let escaping = false;
        let contentStart = -1;
        let contentEnd = -1;
        let lineStart = -1;
        let currentHeredoc = 0;
        const startOffset = this.document.offsetAt(args[0].getRange().start);
        const content = this.getRangeContent(vscode_languageserver_types_1.Range.create(args[0].getRange().start, this.getRange().end));
        contentLoop: for (let i = 0; i < content.length; i++) {
          switch (content.charAt(i)) {
            case this.escapeChar:
              escaping = true;
              for (let j = i + 1; j < content.length; j++) {
                switch (content.charAt(j)) {
                  case " ":
                  case "	":
                    break;
                  case "\r":
                    j++;
                  case "\n":
                    i = j;
                    continue contentLoop;
                  default:
                    i = j;
                    continue contentLoop;
                }
              }
              break;
            case "\r":
              break;
            case "\n":
              if (escaping) {
                break;
              }
              if (heredocsProcessed) {
                if (contentStart === -1) {
                  contentStart = i;
                }
                contentEnd = i;
                const arg = heredocDefinitions[currentHeredoc];
                const startRange = arg.getRange();
                const nameRange = this.getNameRange(startRange);
                const name = this.getName(nameRange);
                const delimiterRange = this.getDelimiterRange(arg, name, vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + lineStart), this.document.positionAt(startOffset + i)));
                if (delimiterRange !== null) {
                  const contentRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + contentStart), this.document.positionAt(startOffset + lineStart - 1));
                  heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, contentRange, delimiterRange));
                  contentStart = -1;
                  currentHeredoc++;
                }
                lineStart = -1;
              } else {
                const offsetLimit = startOffset + i;
                for (const arg of args) {
                  if (this.document.offsetAt(arg.getRange().start) < offsetLimit) {
                    if (arg.getValue().startsWith("<<")) {
                      heredocDefinitions.push(arg);
                    }
                  } else {
                    break;
                  }
                }
                heredocsProcessed = true;
                lineStart = -1;
                continue contentLoop;
              }
              break;
            case " ":
            case "	":
              if (escaping) {
                break;
              }
            case "#":
              if (escaping) {
                for (let j = i + 1; j < content.length; j++) {
                  switch (content.charAt(j)) {
                    case "\n":
                      i = j;
                      continue contentLoop;
                  }
                }
              }
            default:
              if (escaping) {
                escaping = false;
              }
              if (heredocsProcessed) {
                if (contentStart === -1) {
                  contentStart = i;
                }
                if (lineStart === -1) {
                  lineStart = i;
                }
              }
              break;
          }
        }
        if (heredocsProcessed) {
          const arg = heredocDefinitions[currentHeredoc];
          const startRange = arg.getRange();
          const nameRange = this.getNameRange(startRange);
          const name = this.getName(nameRange);
          let contentRange = null;
          const delimiterRange = this.getDelimiterRange(arg, name, vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + lineStart), range.end));
          if (delimiterRange === null) {
            contentRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + contentStart), range.end);
          } else if (contentEnd !== -1) {
            contentRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + contentStart), this.document.positionAt(startOffset + contentEnd));
          }
          heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, contentRange, delimiterRange));
          currentHeredoc++;
          for (let i = currentHeredoc; i < heredocDefinitions.length; i++) {
            const arg2 = heredocDefinitions[currentHeredoc];
            const startRange2 = arg2.getRange();
            const nameRange2 = this.getNameRange(startRange2);
            const name2 = this.getName(nameRange2);
            heredocs.push(new heredoc_1.Heredoc(startRange2, name2, nameRange2, null, null));
            currentHeredoc++;
          }
        } else {
          return this.createSingleLineHeredocs(args);
        }
        return heredocs;
      }
      getDelimiterRange(startArg, name, candidateRange) {
        const text = this.document.getText(candidateRange);
        if (startArg.getValue().startsWith("<<-")) {
          let index = 0;
          while (text.charAt(index) === "	") {
            index++;
          }
          if (text.substring(index) === name) {
            return vscode_languageserver_types_1.Range.create(vscode_languageserver_types_1.Position.create(candidateRange.start.line, index), candidateRange.end);
          }
          return null;
        }
        return text === name ? candidateRange : null;
      }
    };
    exports.Instruction = Instruction;
  }
});

// node_modules/dockerfile-ast/lib/flagOption.js
var require_flagOption = __commonJS({
  "node_modules/dockerfile-ast/lib/flagOption.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.FlagOption = void 0;
    var FlagOption = class {
      constructor(range, name, nameRange, value, valueRange) {
        this.range = range;
        this.name = name;
        this.nameRange = nameRange;
        this.value = value;
        this.valueRange = valueRange;
      }
      toString() {
        if (this.valueRange !== null) {
          return this.name + "=" + this.value;
        }
        return this.name;
      }
      getRange() {
        return this.range;
      }
      getName() {
        return this.name;
      }
      getNameRange() {
        return this.nameRange;
      }
      getValue() {
        return this.value;
      }
      getValueRange() {
        return this.valueRange;
      }
    };
    exports.FlagOption = FlagOption;
  }
});

// node_modules/dockerfile-ast/lib/flag.js
var require_flag = __commonJS({
  "node_modules/dockerfile-ast/lib/flag.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Flag = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var flagOption_1 = require_flagOption();
    var Flag = class {
      constructor(document, range, name, nameRange, value, valueRange) {
        this.options = [];
        this.range = range;
        this.name = name;
        this.nameRange = nameRange;
        this.value = value;
        this.valueRange = valueRange;
        if (this.value !== null) {
          let offset = document.offsetAt(valueRange.start);
          let nameStart = -1;
          let valueStart = -1;
          let hasOptions = false;
          for (let i = 0; i < value.length; i++) {
            switch (value.charAt(i)) {
              case "=":
                hasOptions = true;
                if (valueStart === -1) {
                  valueStart = i + 1;
                  break;
                }
                break;
              case ",":
                this.options.push(this.createFlagOption(document, value, offset, nameStart, valueStart, i));
                nameStart = -1;
                valueStart = -1;
                break;
              default:
                if (nameStart === -1) {
                  nameStart = i;
                }
                break;
            }
          }
          if (hasOptions && nameStart !== -1) {
            this.options.push(this.createFlagOption(document, value, offset, nameStart, valueStart, value.length));
          }
        }
      }
      createFlagOption(document, content, documentOffset, nameStart, valueStart, valueEnd) {
        const optionRange = vscode_languageserver_types_1.Range.create(document.positionAt(documentOffset + nameStart), document.positionAt(documentOffset + valueEnd));
        if (valueStart === -1) {
          return new flagOption_1.FlagOption(optionRange, content.substring(nameStart, valueEnd), optionRange, null, null);
        }
        return new flagOption_1.FlagOption(optionRange, content.substring(nameStart, valueStart - 1), vscode_languageserver_types_1.Range.create(document.positionAt(documentOffset + nameStart), document.positionAt(documentOffset + valueStart - 1)), content.substring(valueStart, valueEnd), vscode_languageserver_types_1.Range.create(document.positionAt(documentOffset + valueStart), document.positionAt(documentOffset + valueEnd)));
      }
      toString() {
        if (this.valueRange) {
          return "--" + this.name + "=" + this.value;
        }
        return "--" + this.name;
      }
      /**
       * Returns the range that encompasses this entire flag. This includes the
       * -- prefix in the beginning to the last character of the flag's value (if
       * it has been defined).
       *
       * @return the entire range of this flag
       */
      getRange() {
        return this.range;
      }
      /**
       * Returns the name of this flag. The name does not include the -- prefix.
       * Thus, for HEALTHCHECK's --interval flag, interval is the flag's name and
       * not --interval.
       *
       * @return this flag's name
       */
      getName() {
        return this.name;
      }
      /**
       * Returns the range that encompasses the flag's name
       *
       * @return the range containing the flag's name
       */
      getNameRange() {
        return this.nameRange;
      }
      /**
       * Returns the value that has been set to this flag. May be null if the
       * flag is invalid and has no value set like a --start-period. If the flag
       * is instead a --start-period= with an equals sign then the flag's value
       * is the empty string.
       *
       * @return this flag's value if it has been defined, null otherwise
       */
      getValue() {
        return this.value;
      }
      /**
       * Returns the range that encompasses this flag's value. If no value has
       * been set then null will be returned.
       *
       * @return the range containing this flag's value, or null if the flag
       *         has no value defined
       */
      getValueRange() {
        return this.valueRange;
      }
      getOption(name) {
        for (const option of this.options) {
          if (option.getName() === name) {
            return option;
          }
        }
        return null;
      }
      getOptions() {
        return this.options;
      }
      hasOptions() {
        return this.options.length > 0;
      }
    };
    exports.Flag = Flag;
  }
});

// node_modules/dockerfile-ast/lib/modifiableInstruction.js
var require_modifiableInstruction = __commonJS({
  "node_modules/dockerfile-ast/lib/modifiableInstruction.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ModifiableInstruction = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var flag_1 = require_flag();
    var instruction_1 = require_instruction();
    var ModifiableInstruction = class extends instruction_1.Instruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      getFlags() {
        if (!this.flags) {
          this.flags = [];
          for (let arg of this.getArguments()) {
            let value = arg.getValue();
            if (this.stopSearchingForFlags(value)) {
              return this.flags;
            } else if (value.indexOf("--") === 0) {
              let range = arg.getRange();
              let rawValue = this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
              let nameIndex = value.indexOf("=");
              let index = rawValue.indexOf("=");
              let firstMatch = false;
              let secondMatch = false;
              let startIndex = -1;
              nameSearchLoop: for (let i = 0; i < rawValue.length; i++) {
                switch (rawValue.charAt(i)) {
                  case "\\":
                  case " ":
                  case "	":
                  case "\r":
                  case "\n":
                    break;
                  case "-":
                    if (secondMatch) {
                      startIndex = i;
                      break nameSearchLoop;
                    } else if (firstMatch) {
                      secondMatch = true;
                    } else {
                      firstMatch = true;
                    }
                    break;
                  default:
                    startIndex = i;
                    break nameSearchLoop;
                }
              }
              let nameStart = this.document.positionAt(this.document.offsetAt(range.start) + startIndex);
              if (index === -1) {
                this.flags.push(new flag_1.Flag(this.document, range, value.substring(2), vscode_languageserver_types_1.Range.create(nameStart, range.end), null, null));
              } else if (index === value.length - 1) {
                let nameEnd = this.document.positionAt(this.document.offsetAt(range.start) + index);
                this.flags.push(new flag_1.Flag(this.document, range, value.substring(2, index), vscode_languageserver_types_1.Range.create(nameStart, nameEnd), "", vscode_languageserver_types_1.Range.create(range.end, range.end)));
              } else {
                let nameEnd = this.document.positionAt(this.document.offsetAt(range.start) + index);
                this.flags.push(new flag_1.Flag(this.document, range, value.substring(2, nameIndex), vscode_languageserver_types_1.Range.create(nameStart, nameEnd), value.substring(nameIndex + 1), vscode_languageserver_types_1.Range.create(this.document.positionAt(this.document.offsetAt(range.start) + index + 1), range.end)));
              }
            }
          }
        }
        return this.flags;
      }
      getArguments() {
        const args = super.getArguments();
        const flags = this.getFlags();
        if (flags.length === 0) {
          return args;
        }
        for (let i = 0; i < flags.length; i++) {
          args.shift();
        }
        return args;
      }
    };
    exports.ModifiableInstruction = ModifiableInstruction;
  }
});

// node_modules/dockerfile-ast/lib/jsonInstruction.js
var require_jsonInstruction = __commonJS({
  "node_modules/dockerfile-ast/lib/jsonInstruction.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.JSONInstruction = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var argument_1 = require_argument();
    var jsonArgument_1 = require_jsonArgument();
    var modifiableInstruction_1 = require_modifiableInstruction();
    var JSONInstruction = class extends modifiableInstruction_1.ModifiableInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
        this.openingBracket = null;
        this.closingBracket = null;
        this.jsonStrings = [];
        const argsContent = this.getRawArgumentsContent();
        if (argsContent === null) {
          return;
        }
        const args = this.getArguments();
        if (args.length === 1 && args[0].getValue() === "[]") {
          let argRange = args[0].getRange();
          this.openingBracket = new argument_1.Argument("[", vscode_languageserver_types_1.Range.create(argRange.start.line, argRange.start.character, argRange.start.line, argRange.start.character + 1));
          this.closingBracket = new argument_1.Argument("]", vscode_languageserver_types_1.Range.create(argRange.start.line, argRange.start.character + 1, argRange.end.line, argRange.end.character));
          return;
        } else if (args.length === 2 && args[0].getValue() === "[" && args[1].getValue() === "]") {
          this.openingBracket = args[0];
          this.closingBracket = args[1];
          return;
        }
        const argsOffset = document.offsetAt(this.getArgumentsRange().start);
        let start = -1;
        let last = "";
        let quoted = false;
        let escapedArg = "";
        argsCheck: for (let i = 0; i < argsContent.length; i++) {
          let char = argsContent.charAt(i);
          switch (char) {
            case "[":
              if (last === "") {
                this.openingBracket = new argument_1.Argument("[", vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + i), document.positionAt(argsOffset + i + 1)));
                last = "[";
              } else if (quoted) {
                escapedArg = escapedArg + char;
              } else {
                break argsCheck;
              }
              break;
            case '"':
              if (last === "[" || last === ",") {
                start = i;
                quoted = true;
                last = '"';
                escapedArg = escapedArg + char;
                continue;
              } else if (last === '"') {
                if (quoted) {
                  escapedArg = escapedArg + char;
                  quoted = false;
                  this.jsonStrings.push(new jsonArgument_1.JSONArgument(escapedArg, vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + start), document.positionAt(argsOffset + i + 1)), vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + start + 1), document.positionAt(argsOffset + i))));
                  escapedArg = "";
                } else {
                  break argsCheck;
                }
              } else {
                break argsCheck;
              }
              break;
            case ",":
              if (quoted) {
                escapedArg = escapedArg + char;
              } else {
                if (last === '"') {
                  last = ",";
                } else {
                  break argsCheck;
                }
              }
              break;
            case "]":
              if (quoted) {
                escapedArg = escapedArg + char;
              } else if (last !== "") {
                this.closingBracket = new argument_1.Argument("]", vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + i), document.positionAt(argsOffset + i + 1)));
                break argsCheck;
              }
              break;
            case " ":
            case "	":
              break;
            case "\\":
              if (quoted) {
                switch (argsContent.charAt(i + 1)) {
                  case '"':
                  case "\\":
                    escapedArg = escapedArg + argsContent.charAt(i + 1);
                    i++;
                    continue;
                  case " ":
                  case "	":
                    escapeCheck: for (let j = i + 2; j < argsContent.length; j++) {
                      switch (argsContent.charAt(j)) {
                        case "\r":
                          j++;
                        case "\n":
                          i = j;
                          continue argsCheck;
                        case " ":
                        case "	":
                          break;
                        default:
                          break escapeCheck;
                      }
                    }
                    break;
                  case "\r":
                    i++;
                  default:
                    i++;
                    continue;
                }
              } else {
                escapeCheck: for (let j = i + 1; j < argsContent.length; j++) {
                  switch (argsContent.charAt(j)) {
                    case "\r":
                      j++;
                    case "\n":
                      i = j;
                      continue argsCheck;
                    case " ":
                    case "	":
                      break;
                    default:
                      break escapeCheck;
                  }
                }
              }
              break argsCheck;
            default:
              if (!quoted) {
                break argsCheck;
              }
              escapedArg = escapedArg + char;
              break;
          }
        }
      }
      stopSearchingForFlags(_value) {
        return true;
      }
      getOpeningBracket() {
        return this.openingBracket;
      }
      getJSONStrings() {
        return this.jsonStrings;
      }
      getClosingBracket() {
        return this.closingBracket;
      }
    };
    exports.JSONInstruction = JSONInstruction;
  }
});

// node_modules/dockerfile-ast/lib/instructions/add.js
var require_add = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/add.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Add = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Add = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
      }
    };
    exports.Add = Add;
  }
});

// node_modules/dockerfile-ast/lib/property.js
var require_property = __commonJS({
  "node_modules/dockerfile-ast/lib/property.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Property = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var util_1 = require_util();
    var Property = class _Property {
      constructor(document, escapeChar, arg, arg2) {
        this.assignmentOperatorRange = null;
        this.assignmentOperator = null;
        this.valueRange = null;
        this.value = null;
        this.document = document;
        this.escapeChar = escapeChar;
        this.nameRange = _Property.getNameRange(document, arg);
        let value = document.getText().substring(document.offsetAt(this.nameRange.start), document.offsetAt(this.nameRange.end));
        this.name = _Property.getValue(value, escapeChar);
        if (arg2) {
          this.valueRange = arg2.getRange();
          value = document.getText().substring(document.offsetAt(this.valueRange.start), document.offsetAt(this.valueRange.end));
          this.value = _Property.getValue(value, escapeChar);
          this.range = vscode_languageserver_types_1.Range.create(this.nameRange.start, this.valueRange.end);
        } else {
          let argRange = arg.getRange();
          if (this.nameRange.start.line === argRange.start.line && this.nameRange.start.character === argRange.start.character && this.nameRange.end.line === argRange.end.line && this.nameRange.end.character === argRange.end.character) {
          } else {
            this.valueRange = _Property.getValueRange(document, arg);
            value = document.getText().substring(document.offsetAt(this.valueRange.start), document.offsetAt(this.valueRange.end));
            this.value = _Property.getValue(value, escapeChar);
            this.assignmentOperatorRange = vscode_languageserver_types_1.Range.create(this.nameRange.end, this.valueRange.start);
            this.assignmentOperator = "=";
          }
          this.range = argRange;
        }
      }
      getRange() {
        return this.range;
      }
      getName() {
        return this.name;
      }
      getNameRange() {
        return this.nameRange;
      }
      getValue() {
        return this.value;
      }
      getValueRange() {
        return this.valueRange;
      }
      /**
       * Retrieves the operator used for delimiting between the name and
       * value of this property. This will either be the "=" character
       * or null if a character was not used or if this property has no
       * value defined.
       */
      getAssignmentOperator() {
        return this.assignmentOperator;
      }
      getAssignmentOperatorRange() {
        return this.assignmentOperatorRange;
      }
      /**
       * Returns the value of this property including any enclosing
       * single or double quotes and relevant escape characters.
       * Escaped newlines and its associated contiguous whitespace
       * characters however will not be returned as they are deemed to
       * be uninteresting to clients trying to return a Dockerfile.
       *
       * @return the unescaped value of this property or null if this
       *         property has no associated value
       */
      getUnescapedValue() {
        if (this.valueRange === null) {
          return null;
        }
        let escaped = false;
        let rawValue = "";
        let value = this.document.getText().substring(this.document.offsetAt(this.valueRange.start), this.document.offsetAt(this.valueRange.end));
        rawLoop: for (let i = 0; i < value.length; i++) {
          let char = value.charAt(i);
          switch (char) {
            case this.escapeChar:
              for (let j = i + 1; j < value.length; j++) {
                switch (value.charAt(j)) {
                  case "\r":
                    j++;
                  case "\n":
                    escaped = true;
                    i = j;
                    continue rawLoop;
                  case " ":
                  case "	":
                    break;
                  default:
                    rawValue = rawValue + char;
                    continue rawLoop;
                }
              }
              rawValue = rawValue + char;
              break;
            case "\r":
            case "\n":
              break;
            case " ":
            case "	":
              if (!escaped) {
                rawValue = rawValue + char;
              }
              break;
            case "#":
              if (escaped) {
                for (let j = i + 1; j < value.length; j++) {
                  switch (value.charAt(j)) {
                    case "\r":
                      j++;
                    case "\n":
                      i = j;
                      continue rawLoop;
                  }
                }
              } else {
                rawValue = rawValue + char;
              }
              break;
            default:
              rawValue = rawValue + char;
              escaped = false;
              break;
          }
        }
        return rawValue;
      }
      static getNameRange(document, arg) {
        let value = arg.getValue();
        let index = value.indexOf("=");
        if (index !== -1) {
          let initial = value.charAt(0);
          let before = value.charAt(index - 1);
          if (initial === '"' && before === '"' || initial === "'" && before === "'" || initial !== '"' && initial !== "'") {
            return vscode_languageserver_types_1.Range.create(arg.getRange().start, document.positionAt(document.offsetAt(arg.getRange().start) + index));
          }
        }
        return arg.getRange();
      }
      static getValueRange(document, arg) {
        return vscode_languageserver_types_1.Range.create(document.positionAt(document.offsetAt(arg.getRange().start) + arg.getValue().indexOf("=") + 1), document.positionAt(document.offsetAt(arg.getRange().end)));
      }
      /**
       * Returns the actual value of this key-value pair. The value will
       * have its escape characters removed if applicable. If the value
       * spans multiple lines and there are comments nested within the
       * lines, they too will be removed.
       *
       * @return the value that this key-value pair will actually be, may
       *         be null if no value is defined, may be the empty string
       *         if the value only consists of whitespace
       */
      static getValue(value, escapeChar) {
        let escaped = false;
        const skip = util_1.Util.findLeadingNonWhitespace(value, escapeChar);
        if (skip !== 0 && value.charAt(skip) === "#") {
          escaped = true;
        }
        value = value.substring(skip);
        let first = value.charAt(0);
        let last = value.charAt(value.length - 1);
        let literal = first === "'" || first === '"';
        let inSingle = first === "'" && last === "'";
        let inDouble = false;
        if (first === '"') {
          for (let i = 1; i < value.length; i++) {
            if (value.charAt(i) === escapeChar) {
              i++;
            } else if (value.charAt(i) === '"' && i === value.length - 1) {
              inDouble = true;
            }
          }
        }
        if (inSingle || inDouble) {
          value = value.substring(1, value.length - 1);
        }
        let commentCheck = -1;
        let escapedValue = "";
        let start = 0;
        parseValue: for (let i = 0; i < value.length; i++) {
          let char = value.charAt(i);
          switch (char) {
            case escapeChar:
              if (i + 1 === value.length) {
                escapedValue = escapedValue + escapeChar;
                break parseValue;
              }
              char = value.charAt(i + 1);
              if (char === " " || char === "	") {
                whitespaceCheck: for (let j = i + 2; j < value.length; j++) {
                  let char2 = value.charAt(j);
                  switch (char2) {
                    case " ":
                    case "	":
                      break;
                    case "\r":
                      j++;
                    case "\n":
                      escaped = true;
                      i = j;
                      continue parseValue;
                    default:
                      if (!inDouble && !inSingle && !literal) {
                        if (char2 === escapeChar) {
                          escapedValue = escapedValue + char;
                          i = i + 1;
                        } else {
                          escapedValue = escapedValue + char + char2;
                          i = j;
                        }
                        continue parseValue;
                      }
                      break whitespaceCheck;
                  }
                }
              }
              if (inDouble) {
                if (char === "\r") {
                  escaped = true;
                  i = i + 2;
                } else if (char === "\n") {
                  escaped = true;
                  i++;
                } else if (char !== '"') {
                  if (char === escapeChar) {
                    i++;
                  }
                  escapedValue = escapedValue + escapeChar;
                }
                continue parseValue;
              } else if (inSingle || literal) {
                if (char === "\r") {
                  escaped = true;
                  i = i + 2;
                } else if (char === "\n") {
                  escaped = true;
                  i++;
                } else {
                  escapedValue = escapedValue + escapeChar;
                }
                continue parseValue;
              } else if (char === escapeChar) {
                escapedValue = escapedValue + escapeChar;
                i++;
              } else if (char === "\r") {
                escaped = true;
                i = i + 2;
              } else if (char === "\n") {
                escaped = true;
                i++;
                start = i;
              } else {
                escapedValue = escapedValue + char;
                i++;
              }
              break;
            case " ":
            case "	":
              if (escaped && commentCheck === -1) {
                commentCheck = i;
              }
              escapedValue = escapedValue + char;
              break;
            case "\r":
              i++;
            case "\n":
              if (escaped && commentCheck !== -1) {
                escapedValue = escapedValue.substring(0, escapedValue.length - (i - commentCheck - 1));
                commentCheck = -1;
              }
              break;
            case "#":
              if (escaped) {
                if (commentCheck !== -1) {
                  escapedValue = escapedValue.substring(0, escapedValue.length - (i - commentCheck));
                  commentCheck = -1;
                }
                newlineCheck: for (let j = i + 1; j < value.length; j++) {
                  switch (value.charAt(j)) {
                    case "\r":
                      j++;
                    case "\n":
                      i = j;
                      break newlineCheck;
                  }
                }
                continue parseValue;
              }
            default:
              if (escaped) {
                escaped = false;
                commentCheck = -1;
              }
              escapedValue = escapedValue + char;
              break;
          }
        }
        return escapedValue;
      }
    };
    exports.Property = Property;
  }
});

// node_modules/dockerfile-ast/lib/propertyInstruction.js
var require_propertyInstruction = __commonJS({
  "node_modules/dockerfile-ast/lib/propertyInstruction.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.PropertyInstruction = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var instruction_1 = require_instruction();
    var property_1 = require_property();
    var argument_1 = require_argument();
    var util_1 = require_util();
    var PropertyInstruction = class extends instruction_1.Instruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
        this.properties = void 0;
      }
      getProperties() {
        if (this.properties === void 0) {
          let args = this.getPropertyArguments();
          if (args.length === 0) {
            this.properties = [];
          } else if (args.length === 1) {
            this.properties = [new property_1.Property(this.document, this.escapeChar, args[0])];
          } else if (args.length === 2) {
            if (args[0].getValue().indexOf("=") === -1) {
              this.properties = [new property_1.Property(this.document, this.escapeChar, args[0], args[1])];
            } else {
              this.properties = [
                new property_1.Property(this.document, this.escapeChar, args[0]),
                new property_1.Property(this.document, this.escapeChar, args[1])
              ];
            }
          } else if (args[0].getValue().indexOf("=") === -1) {
            let text = this.document.getText();
            let start = args[1].getRange().start;
            let end = args[args.length - 1].getRange().end;
            text = text.substring(this.document.offsetAt(start), this.document.offsetAt(end));
            this.properties = [new property_1.Property(this.document, this.escapeChar, args[0], new argument_1.Argument(text, vscode_languageserver_types_1.Range.create(args[1].getRange().start, args[args.length - 1].getRange().end)))];
          } else {
            this.properties = [];
            for (let i = 0; i < args.length; i++) {
              this.properties.push(new property_1.Property(this.document, this.escapeChar, args[i]));
            }
          }
        }
        return this.properties;
      }
      /**
       * Goes from the back of the string and returns the first
       * non-whitespace character that is found. If an escape character
       * is found with newline characters, the escape character will
       * not be considered a non-whitespace character and its index in
       * the string will not be returned.
       *
       * @param content the string to search through
       * @return the index in the string for the first non-whitespace
       *         character when searching from the end of the string
       */
      findTrailingNonWhitespace(content) {
        let index = content.length;
        whitespaceCheck: for (let i = content.length - 1; i >= 0; i--) {
          switch (content.charAt(i)) {
            case " ":
            case "	":
              continue;
            case "\n":
              if (content.charAt(i - 1) === "\r") {
                i = i - 1;
              }
            case "\r":
              newlineCheck: for (let j = i - 1; j >= 0; j--) {
                switch (content.charAt(j)) {
                  case " ":
                  case "	":
                  case "\r":
                  case "\n":
                  case this.escapeChar:
                    continue;
                  default:
                    index = j;
                    break newlineCheck;
                }
              }
              break whitespaceCheck;
            default:
              index = i;
              break whitespaceCheck;
          }
        }
        return index;
      }
      getPropertyArguments() {
        const args = [];
        let range = this.getInstructionRange();
        let instructionNameEndOffset = this.document.offsetAt(range.end);
        let extra = instructionNameEndOffset - this.document.offsetAt(range.start);
        let content = this.getTextContent();
        let fullArgs = content.substring(extra);
        let start = util_1.Util.findLeadingNonWhitespace(fullArgs, this.escapeChar);
        if (start === -1) {
          return [];
        }
        const startPosition = this.document.positionAt(instructionNameEndOffset + start);
        let escaped = range.start.line !== startPosition.line;
        let endingEscape = false;
        let mark = -1;
        let end = this.findTrailingNonWhitespace(fullArgs);
        content = fullArgs.substring(start, end + 1);
        let argStart = escaped ? -1 : 0;
        let spaced = false;
        argumentLoop: for (let i = 0; i < content.length; i++) {
          let char = content.charAt(i);
          switch (char) {
            case this.escapeChar:
              if (i + 1 === content.length) {
                endingEscape = true;
                break argumentLoop;
              }
              if (!escaped) {
                mark = i;
              }
              switch (content.charAt(i + 1)) {
                case " ":
                case "	":
                  if (!util_1.Util.isWhitespace(content.charAt(i + 2))) {
                    i = i + 1;
                    continue argumentLoop;
                  }
                  whitespaceCheck: for (let j = i + 2; j < content.length; j++) {
                    switch (content.charAt(j)) {
                      case "\r":
                        j++;
                      case "\n":
                        escaped = true;
                        i = j;
                        continue argumentLoop;
                      case " ":
                      case "	":
                        break;
                      default:
                        args.push(new argument_1.Argument(content.substring(argStart, i), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + i + 2))));
                        argStart = j;
                        break whitespaceCheck;
                    }
                  }
                  i = argStart - 1;
                  continue argumentLoop;
                case "\r":
                  i++;
                case "\n":
                  escaped = true;
                  i = i + 1;
                  continue argumentLoop;
                case this.escapeChar:
                  if (argStart === -1) {
                    argStart = i;
                  }
                  i = i + 1;
                  continue argumentLoop;
                default:
                  if (argStart === -1) {
                    argStart = i;
                  }
                  continue argumentLoop;
              }
            case "'":
            case '"':
              if (spaced) {
                this.createSpacedArgument(argStart, args, content, mark, instructionNameEndOffset, start);
                argStart = i;
                spaced = false;
              }
              if (argStart === -1) {
                argStart = i;
              }
              for (let j = i + 1; j < content.length; j++) {
                switch (content.charAt(j)) {
                  case char:
                    if (content.charAt(j + 1) !== " " && content.charAt(j + 1) !== "") {
                      i = j;
                      continue argumentLoop;
                    }
                    args.push(new argument_1.Argument(content.substring(argStart, j + 1), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + j + 1))));
                    i = j;
                    argStart = -1;
                    continue argumentLoop;
                  case this.escapeChar:
                    j++;
                    break;
                }
              }
              break argumentLoop;
            case " ":
            case "	":
              if (escaped) {
                if (argStart !== -1) {
                  spaced = true;
                }
              } else if (argStart !== -1) {
                args.push(new argument_1.Argument(content.substring(argStart, i), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + i))));
                argStart = -1;
              }
              break;
            case "\r":
              i++;
            case "\n":
              spaced = false;
              break;
            case "#":
              if (escaped) {
                for (let j = i + 1; j < content.length; j++) {
                  switch (content.charAt(j)) {
                    case "\r":
                      j++;
                    case "\n":
                      i = j;
                      spaced = false;
                      continue argumentLoop;
                  }
                }
                if (argStart !== -1) {
                  let value = content.substring(argStart, mark);
                  args.push(new argument_1.Argument(value, vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + mark))));
                  argStart = -1;
                }
                break argumentLoop;
              } else if (argStart === -1) {
                argStart = i;
              }
              break;
            default:
              if (spaced) {
                this.createSpacedArgument(argStart, args, content, mark, instructionNameEndOffset, start);
                argStart = i;
                spaced = false;
              }
              escaped = false;
              if (argStart === -1) {
                argStart = i;
              }
              if (char === "$" && content.charAt(i + 1) === "{") {
                let singleQuotes = false;
                let doubleQuotes = false;
                let escaped2 = false;
                for (let j = i + 1; j < content.length; j++) {
                  switch (content.charAt(j)) {
                    case this.escapeChar:
                      escaped2 = true;
                      break;
                    case "\r":
                    case "\n":
                      break;
                    case "'":
                      singleQuotes = !singleQuotes;
                      escaped2 = false;
                      break;
                    case '"':
                      doubleQuotes = !doubleQuotes;
                      escaped2 = false;
                      break;
                    case " ":
                    case "	":
                      if (escaped2 || singleQuotes || doubleQuotes) {
                        break;
                      }
                      i = j - 1;
                      continue argumentLoop;
                    case "}":
                      i = j;
                      continue argumentLoop;
                    default:
                      escaped2 = false;
                      break;
                  }
                }
                break argumentLoop;
              }
              break;
          }
        }
        if (argStart !== -1 && argStart !== content.length) {
          let end2 = endingEscape ? content.length - 1 : content.length;
          let value = content.substring(argStart, end2);
          args.push(new argument_1.Argument(value, vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + end2))));
        }
        return args;
      }
      createSpacedArgument(argStart, args, content, mark, instructionNameEndOffset, start) {
        if (argStart !== -1) {
          args.push(new argument_1.Argument(content.substring(argStart, mark), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + mark))));
        }
      }
    };
    exports.PropertyInstruction = PropertyInstruction;
  }
});

// node_modules/dockerfile-ast/lib/instructions/arg.js
var require_arg = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/arg.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Arg = void 0;
    var property_1 = require_property();
    var propertyInstruction_1 = require_propertyInstruction();
    var Arg = class extends propertyInstruction_1.PropertyInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
        this.property = null;
        const args = this.getPropertyArguments();
        if (args.length === 1) {
          this.property = new property_1.Property(this.document, this.escapeChar, args[0]);
        } else {
          this.property = null;
        }
      }
      /**
       * Returns the variable defined by this ARG. This may be null if
       * this ARG instruction is malformed and has no variable
       * declaration.
       */
      getProperty() {
        return this.property;
      }
    };
    exports.Arg = Arg;
  }
});

// node_modules/dockerfile-ast/lib/instructions/cmd.js
var require_cmd = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/cmd.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Cmd = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Cmd = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
    };
    exports.Cmd = Cmd;
  }
});

// node_modules/dockerfile-ast/lib/instructions/copy.js
var require_copy = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/copy.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Copy = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Copy = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
      }
      getFromFlag() {
        let flags = super.getFlags();
        return flags.length === 1 && flags[0].getName() === "from" ? flags[0] : null;
      }
      /**
       * Returns there here-documents that are defined in this RUN
       * instruction.
       *
       * This API is experimental and subject to change.
       */
      getHeredocs() {
        return super.getHeredocs();
      }
    };
    exports.Copy = Copy;
  }
});

// node_modules/dockerfile-ast/lib/instructions/env.js
var require_env = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/env.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Env = void 0;
    var propertyInstruction_1 = require_propertyInstruction();
    var Env = class extends propertyInstruction_1.PropertyInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      getProperties() {
        return super.getProperties();
      }
    };
    exports.Env = Env;
  }
});

// node_modules/dockerfile-ast/lib/instructions/entrypoint.js
var require_entrypoint = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/entrypoint.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Entrypoint = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Entrypoint = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
    };
    exports.Entrypoint = Entrypoint;
  }
});

// node_modules/dockerfile-ast/lib/instructions/from.js
var require_from = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/from.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.From = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var modifiableInstruction_1 = require_modifiableInstruction();
    var From = class extends modifiableInstruction_1.ModifiableInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
      }
      getImage() {
        const args = this.getArguments();
        return args.length > 0 ? args[0].getValue() : null;
      }
      /**
       * Returns the name of the image that will be used as the base image.
       *
       * @return the base image's name, or null if unspecified
       */
      getImageName() {
        const imageName = this.getRangeContent(this.getImageNameRange());
        if (imageName === null) {
          return null;
        }
        let commented = false;
        let escaped = false;
        let name = "";
        for (let i = 0; i < imageName.length; i++) {
          const ch = imageName.charAt(i);
          switch (ch) {
            case this.escapeChar:
              escaped = true;
              break;
            case "\r":
              continue;
            case "\n":
              commented = false;
              break;
            case " ":
            case "	":
              break;
            case "#":
              if (escaped) {
                commented = true;
              } else {
                name = name + ch;
                escaped = false;
              }
              break;
            default:
              if (!commented) {
                name = name + ch;
                escaped = false;
              }
              break;
          }
        }
        return name;
      }
      /**
       * Returns the range that covers the name of the image used by
       * this instruction.
       *
       * @return the range of the name of this instruction's argument,
       *         or null if no image has been specified
       */
      getImageNameRange() {
        let range = this.getImageRange();
        if (range) {
          let registryRange = this.getRegistryRange();
          if (registryRange) {
            range.start = this.document.positionAt(this.document.offsetAt(registryRange.end) + 1);
          }
          let tagRange = this.getImageTagRange();
          let digestRange = this.getImageDigestRange();
          if (tagRange === null) {
            if (digestRange !== null) {
              range.end = this.document.positionAt(this.document.offsetAt(digestRange.start) - 1);
            }
          } else {
            range.end = this.document.positionAt(this.document.offsetAt(tagRange.start) - 1);
          }
          return range;
        }
        return null;
      }
      /**
       * Returns the range that covers the image argument of this
       * instruction. This includes the tag or digest of the image if
       * it has been specified by the instruction.
       *
       * @return the range of the image argument, or null if no image
       *         has been specified
       */
      getImageRange() {
        let args = this.getArguments();
        return args.length !== 0 ? args[0].getRange() : null;
      }
      getImageTag() {
        return this.getRangeContent(this.getImageTagRange());
      }
      /**
       * Returns the range in the document that the tag of the base
       * image encompasses.
       *
       * @return the base image's tag's range in the document, or null
       *         if no tag has been specified
       */
      getImageTagRange() {
        const range = this.getImageRange();
        if (range) {
          const rangeStartOffset = this.document.offsetAt(range.start);
          const content = this.getRangeContent(range);
          const atIndex = this.indexOf(rangeStartOffset, content, "@");
          const slashIndex = content.indexOf("/");
          if (atIndex === -1) {
            const colonIndex = this.lastIndexOf(rangeStartOffset, content, ":");
            if (colonIndex > slashIndex) {
              return vscode_languageserver_types_1.Range.create(this.document.positionAt(rangeStartOffset + colonIndex + 1), range.end);
            }
          }
          const subcontent = content.substring(0, atIndex);
          const subcolonIndex = subcontent.indexOf(":");
          if (subcolonIndex === -1) {
            return null;
          }
          if (slashIndex === -1) {
            return vscode_languageserver_types_1.Range.create(this.document.positionAt(rangeStartOffset + subcolonIndex + 1), this.document.positionAt(rangeStartOffset + atIndex));
          }
          if (subcolonIndex < slashIndex) {
            return null;
          }
          return vscode_languageserver_types_1.Range.create(this.document.positionAt(rangeStartOffset + subcolonIndex + 1), this.document.positionAt(rangeStartOffset + subcontent.length));
        }
        return null;
      }
      getImageDigest() {
        return this.getRangeContent(this.getImageDigestRange());
      }
      /**
       * Returns the range in the document that the digest of the base
       * image encompasses.
       *
       * @return the base image's digest's range in the document, or null
       *         if no digest has been specified
       */
      getImageDigestRange() {
        let range = this.getImageRange();
        if (range) {
          let content = this.getRangeContent(range);
          let index = this.lastIndexOf(this.document.offsetAt(range.start), content, "@");
          if (index !== -1) {
            return vscode_languageserver_types_1.Range.create(range.start.line, range.start.character + index + 1, range.end.line, range.end.character);
          }
        }
        return null;
      }
      indexOf(documentOffset, content, searchString) {
        let index = content.indexOf(searchString);
        const variables = this.getVariables();
        for (let i = 0; i < variables.length; i++) {
          const position = documentOffset + index;
          const variableRange = variables[i].getRange();
          if (this.document.offsetAt(variableRange.start) < position && position < this.document.offsetAt(variableRange.end)) {
            const offset = this.document.offsetAt(variableRange.end) - documentOffset;
            const substring = content.substring(offset);
            const subIndex = substring.indexOf(searchString);
            if (subIndex === -1) {
              return -1;
            }
            index = subIndex + offset;
            i = -1;
            continue;
          }
        }
        return index;
      }
      lastIndexOf(documentOffset, content, searchString) {
        let index = content.lastIndexOf(searchString);
        const variables = this.getVariables();
        for (let i = 0; i < variables.length; i++) {
          const position = documentOffset + index;
          const variableRange = variables[i].getRange();
          if (this.document.offsetAt(variableRange.start) < position && position < this.document.offsetAt(variableRange.end)) {
            index = content.substring(0, index).lastIndexOf(searchString);
            if (index === -1) {
              return -1;
            }
            i = -1;
            continue;
          }
        }
        return index;
      }
      getRegistry() {
        return this.getRangeContent(this.getRegistryRange());
      }
      getRegistryRange() {
        const range = this.getImageRange();
        if (range) {
          const tagRange = this.getImageTagRange();
          const digestRange = this.getImageDigestRange();
          if (tagRange === null) {
            if (digestRange !== null) {
              range.end = this.document.positionAt(this.document.offsetAt(digestRange.start) - 1);
            }
          } else {
            range.end = this.document.positionAt(this.document.offsetAt(tagRange.start) - 1);
          }
          const content = this.getRangeContent(range);
          const rangeStart = this.document.offsetAt(range.start);
          const startingSlashIndex = this.indexOf(rangeStart, content, "/");
          if (startingSlashIndex === -1) {
            return null;
          }
          const portIndex = this.indexOf(rangeStart, content, ":");
          const dotIndex = this.indexOf(rangeStart, content, ".");
          if (portIndex !== -1 || dotIndex !== -1) {
            return vscode_languageserver_types_1.Range.create(range.start, this.document.positionAt(rangeStart + startingSlashIndex));
          }
          const registry = content.substring(0, startingSlashIndex);
          if (registry === "localhost") {
            return vscode_languageserver_types_1.Range.create(range.start, this.document.positionAt(rangeStart + startingSlashIndex));
          }
        }
        return null;
      }
      getBuildStage() {
        let range = this.getBuildStageRange();
        return range === null ? null : this.getRangeContent(range);
      }
      getBuildStageRange() {
        let args = this.getArguments();
        if (args.length > 2 && args[1].getValue().toUpperCase() === "AS") {
          return args[2].getRange();
        }
        return null;
      }
      getPlatformFlag() {
        let flags = super.getFlags();
        return flags.length === 1 && flags[0].getName() === "platform" ? flags[0] : null;
      }
    };
    exports.From = From;
  }
});

// node_modules/dockerfile-ast/lib/instructions/healthcheck.js
var require_healthcheck = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/healthcheck.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Healthcheck = void 0;
    var modifiableInstruction_1 = require_modifiableInstruction();
    var Healthcheck = class extends modifiableInstruction_1.ModifiableInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      stopSearchingForFlags(argument) {
        argument = argument.toUpperCase();
        return argument === "CMD" || argument === "NONE";
      }
      getSubcommand() {
        let args = this.getArguments();
        return args.length !== 0 ? args[0] : null;
      }
    };
    exports.Healthcheck = Healthcheck;
  }
});

// node_modules/dockerfile-ast/lib/instructions/label.js
var require_label = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/label.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Label = void 0;
    var propertyInstruction_1 = require_propertyInstruction();
    var util_1 = require_util();
    var Label = class extends propertyInstruction_1.PropertyInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      getVariables() {
        const variables = super.getVariables();
        const properties = this.getProperties();
        for (const property of properties) {
          const value = property.getUnescapedValue();
          if (value !== null && value.length > 2 && value.charAt(0) === "'" && value.charAt(value.length - 1) === "'") {
            const range = property.getValueRange();
            for (let i = 0; i < variables.length; i++) {
              if (util_1.Util.isInsideRange(variables[i].getRange().start, range)) {
                variables.splice(i, 1);
                i--;
              }
            }
          }
        }
        return variables;
      }
      getProperties() {
        return super.getProperties();
      }
    };
    exports.Label = Label;
  }
});

// node_modules/dockerfile-ast/lib/instructions/onbuild.js
var require_onbuild = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/onbuild.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Onbuild = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var parser_1 = require_parser();
    var instruction_1 = require_instruction();
    var Onbuild = class extends instruction_1.Instruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      getTrigger() {
        let trigger = this.getTriggerWord();
        return trigger === null ? null : trigger.toUpperCase();
      }
      getTriggerWord() {
        return this.getRangeContent(this.getTriggerRange());
      }
      getTriggerRange() {
        let args = this.getArguments();
        return args.length > 0 ? args[0].getRange() : null;
      }
      getTriggerInstruction() {
        let triggerRange = this.getTriggerRange();
        if (triggerRange === null) {
          return null;
        }
        let args = this.getArguments();
        return parser_1.Parser.createInstruction(this.document, this.dockerfile, this.escapeChar, vscode_languageserver_types_1.Range.create(args[0].getRange().start, this.getRange().end), this.getTriggerWord(), triggerRange);
      }
    };
    exports.Onbuild = Onbuild;
  }
});

// node_modules/dockerfile-ast/lib/instructions/run.js
var require_run = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/run.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Run = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Run = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
      }
      /**
       * Returns there here-documents that are defined in this RUN
       * instruction.
       *
       * This API is experimental and subject to change.
       */
      getHeredocs() {
        return super.getHeredocs();
      }
    };
    exports.Run = Run;
  }
});

// node_modules/dockerfile-ast/lib/instructions/shell.js
var require_shell = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/shell.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Shell = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Shell = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
    };
    exports.Shell = Shell;
  }
});

// node_modules/dockerfile-ast/lib/instructions/stopsignal.js
var require_stopsignal = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/stopsignal.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Stopsignal = void 0;
    var instruction_1 = require_instruction();
    var Stopsignal = class extends instruction_1.Instruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
    };
    exports.Stopsignal = Stopsignal;
  }
});

// node_modules/dockerfile-ast/lib/instructions/workdir.js
var require_workdir = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/workdir.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Workdir = void 0;
    var instruction_1 = require_instruction();
    var Workdir = class extends instruction_1.Instruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
      /**
       * Returns the path that has been defined. Note that this path may
       * be absolute or relative depending on what was written in the
       * instruction.
       *
       * @return the working directory's path, or null if this
       *         instruction has no arguments
       */
      getPath() {
        return this.getArgumentsContent();
      }
      /**
       * Returns the absolute path that this instruction resolves to. The
       * function will inspect prior WORKDIR instructions in the current
       * image or another build stage in the Dockerfile to try to
       * determine this.
       *
       * @return the absolute path of the working directory, or null if
       *         this instruction has no arguments, or undefined if it
       *         cannot be determined because only relative paths could be
       *         found
       */
      getAbsolutePath() {
        const path10 = this.getPath();
        if (path10 === null || path10.startsWith("/")) {
          return path10;
        }
        const startLine = this.getRange().start.line;
        const hierarchy = this.dockerfile.getStageHierarchy(startLine);
        for (let i = hierarchy.length - 1; i >= 0; i--) {
          const workdirs = hierarchy[i].getWORKDIRs();
          for (let j = workdirs.length - 1; j >= 0; j--) {
            if (workdirs[j].getRange().start.line < startLine) {
              const parent = workdirs[j].getAbsolutePath();
              if (parent === void 0 || parent === null) {
                return void 0;
              }
              return parent.endsWith("/") ? parent + path10 : parent + "/" + path10;
            }
          }
        }
        return void 0;
      }
    };
    exports.Workdir = Workdir;
  }
});

// node_modules/dockerfile-ast/lib/instructions/user.js
var require_user = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/user.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.User = void 0;
    var instruction_1 = require_instruction();
    var User = class extends instruction_1.Instruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
    };
    exports.User = User;
  }
});

// node_modules/dockerfile-ast/lib/instructions/volume.js
var require_volume = __commonJS({
  "node_modules/dockerfile-ast/lib/instructions/volume.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Volume = void 0;
    var jsonInstruction_1 = require_jsonInstruction();
    var Volume = class extends jsonInstruction_1.JSONInstruction {
      constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
      }
    };
    exports.Volume = Volume;
  }
});

// node_modules/dockerfile-ast/lib/imageTemplate.js
var require_imageTemplate = __commonJS({
  "node_modules/dockerfile-ast/lib/imageTemplate.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ImageTemplate = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var arg_1 = require_arg();
    var cmd_1 = require_cmd();
    var copy_1 = require_copy();
    var env_1 = require_env();
    var entrypoint_1 = require_entrypoint();
    var from_1 = require_from();
    var healthcheck_1 = require_healthcheck();
    var onbuild_1 = require_onbuild();
    var util_1 = require_util();
    var workdir_1 = require_workdir();
    var ImageTemplate = class {
      constructor() {
        this.comments = [];
        this.instructions = [];
      }
      addComment(comment) {
        this.comments.push(comment);
      }
      getComments() {
        return this.comments;
      }
      addInstruction(instruction) {
        this.instructions.push(instruction);
      }
      getInstructions() {
        return this.instructions;
      }
      getInstructionAt(line) {
        for (let instruction of this.instructions) {
          if (util_1.Util.isInsideRange(vscode_languageserver_types_1.Position.create(line, 0), instruction.getRange())) {
            return instruction;
          }
        }
        return null;
      }
      /**
       * Gets all the ARG instructions that are defined in this image.
       */
      getARGs() {
        let args = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof arg_1.Arg) {
            args.push(instruction);
          }
        }
        return args;
      }
      /**
       * Gets all the CMD instructions that are defined in this image.
       */
      getCMDs() {
        let cmds = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof cmd_1.Cmd) {
            cmds.push(instruction);
          }
        }
        return cmds;
      }
      /**
       * Gets all the COPY instructions that are defined in this image.
       */
      getCOPYs() {
        let copies = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof copy_1.Copy) {
            copies.push(instruction);
          }
        }
        return copies;
      }
      /**
       * Gets all the ENTRYPOINT instructions that are defined in this image.
       */
      getENTRYPOINTs() {
        let froms = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof entrypoint_1.Entrypoint) {
            froms.push(instruction);
          }
        }
        return froms;
      }
      /**
       * Gets all the ENV instructions that are defined in this image.
       */
      getENVs() {
        let args = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof env_1.Env) {
            args.push(instruction);
          }
        }
        return args;
      }
      getFROM() {
        for (const instruction of this.instructions) {
          if (instruction instanceof from_1.From) {
            return instruction;
          }
        }
        return null;
      }
      /**
       * Gets all the FROM instructions that are defined in this image.
       */
      getFROMs() {
        let froms = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof from_1.From) {
            froms.push(instruction);
          }
        }
        return froms;
      }
      /**
       * Gets all the HEALTHCHECK instructions that are defined in this image.
       */
      getHEALTHCHECKs() {
        let froms = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof healthcheck_1.Healthcheck) {
            froms.push(instruction);
          }
        }
        return froms;
      }
      getWORKDIRs() {
        const workdirs = [];
        for (const instruction of this.instructions) {
          if (instruction instanceof workdir_1.Workdir) {
            workdirs.push(instruction);
          }
        }
        return workdirs;
      }
      getOnbuildTriggers() {
        let triggers = [];
        for (let instruction of this.instructions) {
          if (instruction instanceof onbuild_1.Onbuild) {
            let trigger = instruction.getTriggerInstruction();
            if (trigger) {
              triggers.push(trigger);
            }
          }
        }
        return triggers;
      }
      getAvailableVariables(currentLine) {
        const variables = [];
        for (const arg of this.getARGs()) {
          if (arg.isBefore(currentLine)) {
            const property = arg.getProperty();
            if (property) {
              const variable = property.getName();
              if (variables.indexOf(variable) === -1) {
                variables.push(variable);
              }
            }
          }
        }
        for (const env of this.getENVs()) {
          if (env.isBefore(currentLine)) {
            for (const property of env.getProperties()) {
              const variable = property.getName();
              if (variables.indexOf(variable) === -1) {
                variables.push(variable);
              }
            }
          }
        }
        return variables;
      }
      /**
       * Resolves a variable with the given name at the specified line
       * to its value. If null is returned, then the variable has been
       * defined but no value was given. If undefined is returned, then
       * a variable with the given name has not been defined yet as of
       * the given line.
       *
       * @param variable the name of the variable to resolve
       * @param line the line number that the variable is on, zero-based
       * @return the value of the variable as defined by an ARG or ENV
       *         instruction, or null if no value has been specified, or
       *         undefined if a variable with the given name has not
       *         been defined
       */
      resolveVariable(variable, line) {
        let envs = this.getENVs();
        for (let i = envs.length - 1; i >= 0; i--) {
          if (envs[i].isBefore(line)) {
            for (let property of envs[i].getProperties()) {
              if (property.getName() === variable) {
                return property.getValue();
              }
            }
          }
        }
        let args = this.getARGs();
        for (let i = args.length - 1; i >= 0; i--) {
          if (args[i].isBefore(line)) {
            let property = args[i].getProperty();
            if (property && property.getName() === variable) {
              return property.getValue();
            }
          }
        }
        return void 0;
      }
      getRange() {
        const instructions = this.getInstructions();
        if (instructions.length === 0) {
          return vscode_languageserver_types_1.Range.create(0, 0, 0, 0);
        }
        const instructionStart = instructions[0].getRange().start;
        const instructionEnd = instructions[instructions.length - 1].getRange().end;
        return vscode_languageserver_types_1.Range.create(instructionStart, instructionEnd);
      }
      contains(position) {
        const range = this.getRange();
        if (range === null) {
          return false;
        }
        return util_1.Util.isInsideRange(position, range);
      }
    };
    exports.ImageTemplate = ImageTemplate;
  }
});

// node_modules/dockerfile-ast/lib/dockerfile.js
var require_dockerfile = __commonJS({
  "node_modules/dockerfile-ast/lib/dockerfile.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Dockerfile = void 0;
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var ast = require_main();
    var imageTemplate_1 = require_imageTemplate();
    var from_1 = require_from();
    var util_1 = require_util();
    var main_1 = require_main();
    var Dockerfile = class extends imageTemplate_1.ImageTemplate {
      constructor(document) {
        super();
        this.initialInstructions = new imageTemplate_1.ImageTemplate();
        this.buildStages = [];
        this.directives = [];
        this.foundFrom = false;
        this.document = document;
      }
      getEscapeCharacter() {
        for (const directive of this.directives) {
          if (directive.getDirective() === ast.Directive.escape) {
            const value = directive.getValue();
            if (value === "\\" || value === "`") {
              return value;
            }
          }
        }
        return "\\";
      }
      getInitialARGs() {
        return this.initialInstructions.getARGs();
      }
      getContainingImage(position) {
        let range = vscode_languageserver_types_1.Range.create(vscode_languageserver_types_1.Position.create(0, 0), this.document.positionAt(this.document.getText().length));
        if (!util_1.Util.isInsideRange(position, range)) {
          return null;
        }
        if (this.initialInstructions.getComments().length > 0 || this.initialInstructions.getInstructions().length > 0) {
          if (util_1.Util.isInsideRange(position, this.initialInstructions.getRange())) {
            return this.initialInstructions;
          }
        }
        for (const buildStage of this.buildStages) {
          if (util_1.Util.isInsideRange(position, buildStage.getRange())) {
            return buildStage;
          }
        }
        return this;
      }
      addInstruction(instruction) {
        if (instruction.getKeyword() === main_1.Keyword.FROM) {
          this.currentBuildStage = new imageTemplate_1.ImageTemplate();
          this.buildStages.push(this.currentBuildStage);
          this.foundFrom = true;
        } else if (!this.foundFrom) {
          this.initialInstructions.addInstruction(instruction);
        }
        if (this.foundFrom) {
          this.currentBuildStage.addInstruction(instruction);
        }
        super.addInstruction(instruction);
      }
      setDirectives(directives) {
        this.directives = directives;
      }
      getDirective() {
        return this.directives.length === 0 ? null : this.directives[0];
      }
      getDirectives() {
        return this.directives;
      }
      resolveVariable(variable, line) {
        for (let from of this.getFROMs()) {
          let range = from.getRange();
          if (range.start.line <= line && line <= range.end.line) {
            let initialARGs = new imageTemplate_1.ImageTemplate();
            for (let instruction of this.initialInstructions.getARGs()) {
              initialARGs.addInstruction(instruction);
            }
            return initialARGs.resolveVariable(variable, line);
          }
        }
        let image = this.getContainingImage(vscode_languageserver_types_1.Position.create(line, 0));
        if (image === null) {
          return void 0;
        }
        let resolvedVariable = image.resolveVariable(variable, line);
        if (resolvedVariable === null) {
          let initialARGs = new imageTemplate_1.ImageTemplate();
          for (let instruction of this.initialInstructions.getARGs()) {
            initialARGs.addInstruction(instruction);
          }
          return initialARGs.resolveVariable(variable, line);
        }
        return resolvedVariable;
      }
      getAvailableVariables(currentLine) {
        if (this.getInstructionAt(currentLine) instanceof from_1.From) {
          let variables = [];
          for (let arg of this.getInitialARGs()) {
            let property = arg.getProperty();
            if (property) {
              variables.push(property.getName());
            }
          }
          return variables;
        }
        let image = this.getContainingImage(vscode_languageserver_types_1.Position.create(currentLine, 0));
        return image ? image.getAvailableVariables(currentLine) : [];
      }
      getParentStage(image) {
        const templateFrom = image.getFROM();
        const imageName = templateFrom === null ? null : templateFrom.getImageName();
        if (imageName === null) {
          return null;
        }
        for (const from of this.getFROMs()) {
          if (from.getBuildStage() === imageName) {
            const range = from.getRange();
            if (range.start.line === templateFrom.getRange().start.line) {
              return null;
            }
            return this.getContainingImage(range.start);
          }
        }
        return null;
      }
      getStageHierarchy(line) {
        const image = this.getContainingImage(vscode_languageserver_types_1.Position.create(line, 0));
        if (image === null) {
          return [];
        }
        const stages = [image];
        let stage = this.getParentStage(image);
        while (stage !== null) {
          stages.splice(0, 0, stage);
          stage = this.getParentStage(stage);
        }
        return stages;
      }
      getAvailableWorkingDirectories(line) {
        const availableDirectories = /* @__PURE__ */ new Set();
        for (const image of this.getStageHierarchy(line)) {
          for (const workdir of image.getWORKDIRs()) {
            if (workdir.getRange().end.line < line) {
              let directory = workdir.getAbsolutePath();
              if (directory !== void 0 && directory !== null) {
                if (!directory.endsWith("/")) {
                  directory += "/";
                }
                availableDirectories.add(directory);
              }
            }
          }
        }
        return Array.from(availableDirectories);
      }
      /**
       * Internally reorganize the comments in the Dockerfile and allocate
       * them to the relevant build stages that they belong to.
       */
      organizeComments() {
        const comments = this.getComments();
        for (let i = 0; i < comments.length; i++) {
          if (util_1.Util.isInsideRange(comments[i].getRange().end, this.initialInstructions.getRange())) {
            this.initialInstructions.addComment(comments[i]);
          } else {
            for (const buildStage of this.buildStages) {
              if (util_1.Util.isInsideRange(comments[i].getRange().start, buildStage.getRange())) {
                buildStage.addComment(comments[i]);
              }
            }
          }
        }
      }
      getRange() {
        const comments = this.getComments();
        const instructions = this.getInstructions();
        let range = null;
        if (comments.length === 0) {
          if (instructions.length > 0) {
            range = vscode_languageserver_types_1.Range.create(instructions[0].getRange().start, instructions[instructions.length - 1].getRange().end);
          }
        } else if (instructions.length === 0) {
          range = vscode_languageserver_types_1.Range.create(comments[0].getRange().start, comments[comments.length - 1].getRange().end);
        } else {
          const commentStart = comments[0].getRange().start;
          const commentEnd = comments[comments.length - 1].getRange().end;
          const instructionStart = instructions[0].getRange().start;
          const instructionEnd = instructions[instructions.length - 1].getRange().end;
          if (commentStart.line < instructionStart.line) {
            if (commentEnd.line < instructionEnd.line) {
              range = vscode_languageserver_types_1.Range.create(commentStart, instructionEnd);
            }
            range = vscode_languageserver_types_1.Range.create(commentStart, commentEnd);
          } else if (commentEnd.line < instructionEnd.line) {
            range = vscode_languageserver_types_1.Range.create(instructionStart, instructionEnd);
          } else {
            range = vscode_languageserver_types_1.Range.create(instructionStart, commentEnd);
          }
        }
        if (range === null) {
          if (this.directives.length === 0) {
            return null;
          }
          return this.directives[0].getRange();
        } else if (this.directives.length === 0) {
          return range;
        }
        return vscode_languageserver_types_1.Range.create(this.directives[0].getRange().start, range.end);
      }
    };
    exports.Dockerfile = Dockerfile;
  }
});

// node_modules/dockerfile-ast/lib/parser.js
var require_parser = __commonJS({
  "node_modules/dockerfile-ast/lib/parser.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Parser = void 0;
    var vscode_languageserver_textdocument_1 = (init_main2(), __toCommonJS(main_exports2));
    var vscode_languageserver_types_1 = (init_main(), __toCommonJS(main_exports));
    var comment_1 = require_comment();
    var parserDirective_1 = require_parserDirective();
    var instruction_1 = require_instruction();
    var add_1 = require_add();
    var arg_1 = require_arg();
    var cmd_1 = require_cmd();
    var copy_1 = require_copy();
    var env_1 = require_env();
    var entrypoint_1 = require_entrypoint();
    var from_1 = require_from();
    var healthcheck_1 = require_healthcheck();
    var label_1 = require_label();
    var onbuild_1 = require_onbuild();
    var run_1 = require_run();
    var shell_1 = require_shell();
    var stopsignal_1 = require_stopsignal();
    var workdir_1 = require_workdir();
    var user_1 = require_user();
    var volume_1 = require_volume();
    var dockerfile_1 = require_dockerfile();
    var util_1 = require_util();
    var main_1 = require_main();
    var Parser = class _Parser {
      constructor() {
        this.escapeChar = null;
      }
      static createInstruction(document, dockerfile, escapeChar, lineRange, instruction, instructionRange) {
        switch (instruction.toUpperCase()) {
          case "ADD":
            return new add_1.Add(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "ARG":
            return new arg_1.Arg(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "CMD":
            return new cmd_1.Cmd(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "COPY":
            return new copy_1.Copy(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "ENTRYPOINT":
            return new entrypoint_1.Entrypoint(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "ENV":
            return new env_1.Env(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "FROM":
            return new from_1.From(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "HEALTHCHECK":
            return new healthcheck_1.Healthcheck(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "LABEL":
            return new label_1.Label(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "ONBUILD":
            return new onbuild_1.Onbuild(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "RUN":
            return new run_1.Run(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "SHELL":
            return new shell_1.Shell(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "STOPSIGNAL":
            return new stopsignal_1.Stopsignal(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "WORKDIR":
            return new workdir_1.Workdir(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "USER":
            return new user_1.User(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
          case "VOLUME":
            return new volume_1.Volume(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
        }
        return new instruction_1.Instruction(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
      }
      getParserDirectives(document, buffer) {
        const directives = [];
        this.escapeChar = "";
        const offset = util_1.Util.isUTF8BOM(buffer.substring(0, 1)) ? 1 : 0;
        directiveCheck: for (let i = offset; i < buffer.length; i++) {
          switch (buffer.charAt(i)) {
            case " ":
            case "	":
              break;
            case "\r":
            case "\n":
              break directiveCheck;
            case "#":
              let directiveStart = -1;
              let directiveEnd = -1;
              for (let j = i + 1; j < buffer.length; j++) {
                let char = buffer.charAt(j);
                switch (char) {
                  case " ":
                  case "	":
                    if (directiveStart !== -1 && directiveEnd === -1) {
                      directiveEnd = j;
                    }
                    break;
                  case "\r":
                  case "\n":
                    break directiveCheck;
                  case "=":
                    let valueStart = -1;
                    let valueEnd = -1;
                    if (directiveEnd === -1) {
                      directiveEnd = j;
                    }
                    let lineEnd = buffer.length;
                    directiveValue: for (let k = j + 1; k < buffer.length; k++) {
                      char = buffer.charAt(k);
                      switch (char) {
                        case "\r":
                        case "\n":
                          if (valueStart !== -1 && valueEnd === -1) {
                            valueEnd = k;
                          }
                          lineEnd = k;
                          break directiveValue;
                        case "	":
                        case " ":
                          if (valueStart !== -1 && valueEnd === -1) {
                            valueEnd = k;
                          }
                          continue;
                        default:
                          if (valueStart === -1) {
                            valueStart = k;
                          }
                          break;
                      }
                    }
                    if (directiveStart === -1) {
                      break directiveCheck;
                    }
                    if (valueStart === -1) {
                      valueStart = j + 1;
                      valueEnd = lineEnd;
                    } else if (valueEnd === -1) {
                      valueEnd = buffer.length;
                    }
                    const lineRange = vscode_languageserver_types_1.Range.create(document.positionAt(i), document.positionAt(lineEnd));
                    const nameRange = vscode_languageserver_types_1.Range.create(document.positionAt(directiveStart), document.positionAt(directiveEnd));
                    const valueRange = vscode_languageserver_types_1.Range.create(document.positionAt(valueStart), document.positionAt(valueEnd));
                    directives.push(new parserDirective_1.ParserDirective(document, lineRange, nameRange, valueRange));
                    directiveStart = -1;
                    if (buffer.charAt(valueEnd) === "\r") {
                      i = valueEnd + 1;
                    } else {
                      i = valueEnd;
                    }
                    continue directiveCheck;
                  default:
                    if (directiveStart === -1) {
                      directiveStart = j;
                    }
                    break;
                }
              }
              break;
            default:
              break directiveCheck;
          }
        }
        return directives;
      }
      parse(buffer) {
        this.document = vscode_languageserver_textdocument_1.TextDocument.create("", "", 0, buffer);
        this.buffer = buffer;
        let dockerfile = new dockerfile_1.Dockerfile(this.document);
        let directives = this.getParserDirectives(this.document, this.buffer);
        let offset = 0;
        this.escapeChar = "\\";
        if (directives.length > 0) {
          dockerfile.setDirectives(directives);
          this.escapeChar = dockerfile.getEscapeCharacter();
          offset = this.document.offsetAt(vscode_languageserver_types_1.Position.create(directives.length, 0));
        } else if (util_1.Util.isUTF8BOM(buffer.substring(0, 1))) {
          offset = 1;
        }
        for (let i = offset; i < this.buffer.length; i++) {
          const char = this.buffer.charAt(i);
          switch (char) {
            case " ":
            case "	":
            case "\r":
            case "\n":
              break;
            case "#":
              i = this.processComment(dockerfile, i);
              break;
            default:
              i = this.processInstruction(dockerfile, char, i);
              break;
          }
        }
        dockerfile.organizeComments();
        return dockerfile;
      }
      processInstruction(dockerfile, char, start) {
        let instruction = char;
        let instructionEnd = -1;
        let escapedInstruction = false;
        instructionCheck: for (let i = start + 1; i < this.buffer.length; i++) {
          char = this.buffer.charAt(i);
          switch (char) {
            case this.escapeChar:
              escapedInstruction = true;
              char = this.buffer.charAt(i + 1);
              if (char === "\r" || char === "\n") {
                if (instructionEnd === -1) {
                  instructionEnd = i;
                }
                i++;
              } else if (char === " " || char === "	") {
                for (let j = i + 2; j < this.buffer.length; j++) {
                  switch (this.buffer.charAt(j)) {
                    case " ":
                    case "	":
                      break;
                    case "\r":
                    case "\n":
                      i = j;
                      continue instructionCheck;
                    default:
                      instructionEnd = i + 1;
                      instruction = instruction + this.escapeChar;
                      i = j - 2;
                      continue instructionCheck;
                  }
                }
                instructionEnd = i + 1;
                instruction = instruction + this.escapeChar;
                break instructionCheck;
              } else {
                instructionEnd = i + 1;
                instruction = instruction + this.escapeChar;
                escapedInstruction = false;
              }
              break;
            case " ":
            case "	":
              if (escapedInstruction) {
                escapeCheck: for (let j = i + 1; j < this.buffer.length; j++) {
                  switch (this.buffer.charAt(j)) {
                    case " ":
                    case "	":
                      break;
                    case "\r":
                    case "\n":
                      i = j;
                      continue instructionCheck;
                    default:
                      break escapeCheck;
                  }
                }
                escapedInstruction = false;
              }
              if (instructionEnd === -1) {
                instructionEnd = i;
              }
              i = this.processArguments(dockerfile, instruction, instructionEnd, start, i);
              dockerfile.addInstruction(this.createInstruction(dockerfile, instruction, start, instructionEnd, i));
              return i;
            case "\r":
            case "\n":
              if (escapedInstruction) {
                continue;
              }
              if (instructionEnd === -1) {
                instructionEnd = i;
              }
              dockerfile.addInstruction(this.createInstruction(dockerfile, instruction, start, i, i));
              return i;
            case "#":
              if (escapedInstruction) {
                continue;
              }
            default:
              instructionEnd = i + 1;
              instruction = instruction + char;
              escapedInstruction = false;
              break;
          }
        }
        if (instructionEnd === -1) {
          instructionEnd = this.buffer.length;
        }
        dockerfile.addInstruction(this.createInstruction(dockerfile, instruction, start, instructionEnd, this.buffer.length));
        return this.buffer.length;
      }
      processHeredocs(instruction, offset) {
        let keyword = instruction.getKeyword();
        if (keyword === main_1.Keyword.ONBUILD) {
          instruction = instruction.getTriggerInstruction();
          if (instruction === null) {
            return offset;
          }
          keyword = instruction.getKeyword();
        }
        if (keyword !== main_1.Keyword.ADD && keyword !== main_1.Keyword.COPY && keyword !== main_1.Keyword.RUN) {
          return offset;
        }
        const heredocs = [];
        let tabbed = false;
        for (const arg of instruction.getArguments()) {
          const value = arg.getValue();
          if (value.startsWith("<<") && value.length > 2) {
            if (value.startsWith("<<-")) {
              tabbed = true;
            }
            const name = util_1.Util.parseHeredocName(value);
            if (name !== null) {
              heredocs.push(name);
            }
          }
        }
        if (heredocs.length > 0) {
          for (const heredoc of heredocs) {
            offset = this.parseHeredoc(heredoc, offset, tabbed);
          }
        }
        return offset;
      }
      processArguments(dockerfile, instruction, instructionEnd, start, offset) {
        let escaped = false;
        argumentsCheck: for (let i = offset + 1; i < this.buffer.length; i++) {
          switch (this.buffer.charAt(i)) {
            case "\r":
            case "\n":
              if (escaped) {
                continue;
              }
              return this.processHeredocs(this.createInstruction(dockerfile, instruction, start, instructionEnd, i), i);
            case this.escapeChar:
              const next = this.buffer.charAt(i + 1);
              if (next === "\n" || next === "\r") {
                escaped = true;
                i++;
              } else if (next === " " || next === "	") {
                for (let j = i + 2; j < this.buffer.length; j++) {
                  switch (this.buffer.charAt(j)) {
                    case " ":
                    case "	":
                      break;
                    case "\r":
                    case "\n":
                      escaped = true;
                    default:
                      i = j;
                      continue argumentsCheck;
                  }
                }
                return this.buffer.length;
              }
              continue;
            case "#":
              if (escaped) {
                i = this.processComment(dockerfile, i);
                continue argumentsCheck;
              }
              break;
            case " ":
            case "	":
              break;
            default:
              if (escaped) {
                escaped = false;
              }
              break;
          }
        }
        return this.buffer.length;
      }
      processComment(dockerfile, start) {
        let end = this.buffer.length;
        commentLoop: for (let i = start + 1; i < this.buffer.length; i++) {
          switch (this.buffer.charAt(i)) {
            case "\r":
            case "\n":
              end = i;
              break commentLoop;
          }
        }
        const range = vscode_languageserver_types_1.Range.create(this.document.positionAt(start), this.document.positionAt(end));
        dockerfile.addComment(new comment_1.Comment(this.document, range));
        return end;
      }
      parseHeredoc(heredocName, offset, tabbed) {
        let startWord = -1;
        let lineStart = true;
        for (let i = offset; i < this.buffer.length; i++) {
          switch (this.buffer.charAt(i)) {
            case " ":
              lineStart = false;
              break;
            case "	":
              if (!tabbed) {
                lineStart = false;
              }
              break;
            case "\r":
            case "\n":
              if (startWord !== -1 && heredocName === this.buffer.substring(startWord, i)) {
                return i;
              }
              startWord = -1;
              lineStart = true;
              break;
            default:
              if (lineStart) {
                startWord = i;
                lineStart = false;
              }
              break;
          }
        }
        return this.buffer.length;
      }
      createInstruction(dockerfile, instruction, start, instructionEnd, end) {
        const startPosition = this.document.positionAt(start);
        const instructionRange = vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(instructionEnd));
        const lineRange = vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(end));
        return _Parser.createInstruction(this.document, dockerfile, this.escapeChar, lineRange, instruction, instructionRange);
      }
    };
    exports.Parser = Parser;
  }
});

// node_modules/dockerfile-ast/lib/main.js
var require_main = __commonJS({
  "node_modules/dockerfile-ast/lib/main.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.DockerfileParser = exports.DefaultVariables = exports.Directive = exports.Keyword = exports.Workdir = exports.Volume = exports.User = exports.Stopsignal = exports.Shell = exports.Run = exports.PropertyInstruction = exports.Onbuild = exports.ModifiableInstruction = exports.Label = exports.JSONInstruction = exports.Heredoc = exports.Healthcheck = exports.From = exports.Env = exports.Entrypoint = exports.Copy = exports.Cmd = exports.Arg = exports.Add = exports.Variable = exports.Property = exports.ParserDirective = exports.Line = exports.Instruction = exports.Flag = exports.Comment = exports.JSONArgument = exports.Argument = void 0;
    var argument_1 = require_argument();
    Object.defineProperty(exports, "Argument", { enumerable: true, get: function() {
      return argument_1.Argument;
    } });
    var jsonArgument_1 = require_jsonArgument();
    Object.defineProperty(exports, "JSONArgument", { enumerable: true, get: function() {
      return jsonArgument_1.JSONArgument;
    } });
    var comment_1 = require_comment();
    Object.defineProperty(exports, "Comment", { enumerable: true, get: function() {
      return comment_1.Comment;
    } });
    var parser_1 = require_parser();
    var flag_1 = require_flag();
    Object.defineProperty(exports, "Flag", { enumerable: true, get: function() {
      return flag_1.Flag;
    } });
    var instruction_1 = require_instruction();
    Object.defineProperty(exports, "Instruction", { enumerable: true, get: function() {
      return instruction_1.Instruction;
    } });
    var line_1 = require_line();
    Object.defineProperty(exports, "Line", { enumerable: true, get: function() {
      return line_1.Line;
    } });
    var parserDirective_1 = require_parserDirective();
    Object.defineProperty(exports, "ParserDirective", { enumerable: true, get: function() {
      return parserDirective_1.ParserDirective;
    } });
    var property_1 = require_property();
    Object.defineProperty(exports, "Property", { enumerable: true, get: function() {
      return property_1.Property;
    } });
    var variable_1 = require_variable();
    Object.defineProperty(exports, "Variable", { enumerable: true, get: function() {
      return variable_1.Variable;
    } });
    var add_1 = require_add();
    Object.defineProperty(exports, "Add", { enumerable: true, get: function() {
      return add_1.Add;
    } });
    var arg_1 = require_arg();
    Object.defineProperty(exports, "Arg", { enumerable: true, get: function() {
      return arg_1.Arg;
    } });
    var cmd_1 = require_cmd();
    Object.defineProperty(exports, "Cmd", { enumerable: true, get: function() {
      return cmd_1.Cmd;
    } });
    var copy_1 = require_copy();
    Object.defineProperty(exports, "Copy", { enumerable: true, get: function() {
      return copy_1.Copy;
    } });
    var entrypoint_1 = require_entrypoint();
    Object.defineProperty(exports, "Entrypoint", { enumerable: true, get: function() {
      return entrypoint_1.Entrypoint;
    } });
    var env_1 = require_env();
    Object.defineProperty(exports, "Env", { enumerable: true, get: function() {
      return env_1.Env;
    } });
    var from_1 = require_from();
    Object.defineProperty(exports, "From", { enumerable: true, get: function() {
      return from_1.From;
    } });
    var healthcheck_1 = require_healthcheck();
    Object.defineProperty(exports, "Healthcheck", { enumerable: true, get: function() {
      return healthcheck_1.Healthcheck;
    } });
    var heredoc_1 = require_heredoc();
    Object.defineProperty(exports, "Heredoc", { enumerable: true, get: function() {
      return heredoc_1.Heredoc;
    } });
    var jsonInstruction_1 = require_jsonInstruction();
    Object.defineProperty(exports, "JSONInstruction", { enumerable: true, get: function() {
      return jsonInstruction_1.JSONInstruction;
    } });
    var label_1 = require_label();
    Object.defineProperty(exports, "Label", { enumerable: true, get: function() {
      return label_1.Label;
    } });
    var modifiableInstruction_1 = require_modifiableInstruction();
    Object.defineProperty(exports, "ModifiableInstruction", { enumerable: true, get: function() {
      return modifiableInstruction_1.ModifiableInstruction;
    } });
    var onbuild_1 = require_onbuild();
    Object.defineProperty(exports, "Onbuild", { enumerable: true, get: function() {
      return onbuild_1.Onbuild;
    } });
    var propertyInstruction_1 = require_propertyInstruction();
    Object.defineProperty(exports, "PropertyInstruction", { enumerable: true, get: function() {
      return propertyInstruction_1.PropertyInstruction;
    } });
    var run_1 = require_run();
    Object.defineProperty(exports, "Run", { enumerable: true, get: function() {
      return run_1.Run;
    } });
    var shell_1 = require_shell();
    Object.defineProperty(exports, "Shell", { enumerable: true, get: function() {
      return shell_1.Shell;
    } });
    var stopsignal_1 = require_stopsignal();
    Object.defineProperty(exports, "Stopsignal", { enumerable: true, get: function() {
      return stopsignal_1.Stopsignal;
    } });
    var user_1 = require_user();
    Object.defineProperty(exports, "User", { enumerable: true, get: function() {
      return user_1.User;
    } });
    var volume_1 = require_volume();
    Object.defineProperty(exports, "Volume", { enumerable: true, get: function() {
      return volume_1.Volume;
    } });
    var workdir_1 = require_workdir();
    Object.defineProperty(exports, "Workdir", { enumerable: true, get: function() {
      return workdir_1.Workdir;
    } });
    var Keyword;
    (function(Keyword2) {
      Keyword2["ADD"] = "ADD";
      Keyword2["ARG"] = "ARG";
      Keyword2["CMD"] = "CMD";
      Keyword2["COPY"] = "COPY";
      Keyword2["ENTRYPOINT"] = "ENTRYPOINT";
      Keyword2["ENV"] = "ENV";
      Keyword2["EXPOSE"] = "EXPOSE";
      Keyword2["FROM"] = "FROM";
      Keyword2["HEALTHCHECK"] = "HEALTHCHECK";
      Keyword2["LABEL"] = "LABEL";
      Keyword2["MAINTAINER"] = "MAINTAINER";
      Keyword2["ONBUILD"] = "ONBUILD";
      Keyword2["RUN"] = "RUN";
      Keyword2["SHELL"] = "SHELL";
      Keyword2["STOPSIGNAL"] = "STOPSIGNAL";
      Keyword2["USER"] = "USER";
      Keyword2["VOLUME"] = "VOLUME";
      Keyword2["WORKDIR"] = "WORKDIR";
    })(Keyword || (exports.Keyword = Keyword = {}));
    var Directive;
    (function(Directive2) {
      Directive2["escape"] = "escape";
      Directive2["syntax"] = "syntax";
    })(Directive || (exports.Directive = Directive = {}));
    exports.DefaultVariables = [
      "ALL_PROXY",
      "all_proxy",
      "FTP_PROXY",
      "ftp_proxy",
      "HTTP_PROXY",
      "http_proxy",
      "HTTPS_PROXY",
      "https_proxy",
      "NO_PROXY",
      "no_proxy"
    ];
    var DockerfileParser2;
    (function(DockerfileParser3) {
      function parse(content) {
        let parser = new parser_1.Parser();
        return parser.parse(content);
      }
      DockerfileParser3.parse = parse;
    })(DockerfileParser2 || (exports.DockerfileParser = DockerfileParser2 = {}));
  }
});

// lib/pipeline.js
import * as fs3 from "node:fs";
import * as path9 from "node:path";

// lib/discover/discover.js
import * as fs2 from "node:fs";
import * as path3 from "node:path";

// lib/extract/files.js
import * as fs from "node:fs";
import * as path from "node:path";
var MAX_REPOSITORY_FILE_BYTES = 4 * 1024 * 1024;
function readerContext(root, limits, resolvedRoot, cacheDirectories) {
  let realRoot;
  try {
    realRoot = resolvedRoot ?? fs.realpathSync.native(root);
  } catch (error) {
    realRoot = { error: code(error) };
  }
  return { root, lexicalRoot: path.resolve(root), realRoot, limits, directories: cacheDirectories ? /* @__PURE__ */ new Map() : void 0 };
}
var SIMPLE_RELATIVE = /^(?!\.{1,2}(?:\/|$))(?:[^/\\]+\/(?!\.{1,2}(?:\/|$)))*[^/\\]+$/;
function readConfined(context, relativePath) {
  const { limits, lexicalRoot } = context;
  const maxBytes = limits.maxBytes ?? MAX_REPOSITORY_FILE_BYTES;
  const refuse = (problem, why) => ({ problem, message: `${relativePath} ${why}`, why });
  if (relativePath === "" || relativePath.includes("\0"))
    return refuse("unreadable", "is not a valid path; it was not read");
  const simple = path.sep === "/" && SIMPLE_RELATIVE.test(relativePath);
  const lexical = simple ? `${lexicalRoot === "/" ? "" : lexicalRoot}/${relativePath}` : path.resolve(lexicalRoot, relativePath);
  const allowed = limits.allowedOutside !== void 0 && limits.allowedOutside.some((file) => path.resolve(file) === lexical);
  if (!allowed && !simple && !isWithin(lexicalRoot, lexical))
    return refuse("outside-root", "is outside the scanned directory; it was not read");
  const { realRoot } = context;
  if (typeof realRoot !== "string")
    return refuse("unreadable", `cannot be read: the scanned directory cannot be resolved (${realRoot.error})`);
  let fd;
  if (!allowed && context.directories !== void 0 && lexical !== lexicalRoot) {
    const relative5 = simple ? relativePath : path.relative(lexicalRoot, lexical);
    const slash = relative5.lastIndexOf(path.sep);
    const directory = realDirectory(lexicalRoot, realRoot, slash < 0 ? "" : relative5.slice(0, slash), context.directories);
    if (directory !== void 0) {
      try {
        fd = fs.openSync(`${directory}${directory.endsWith(path.sep) ? "" : path.sep}${relative5.slice(slash + 1)}`, OPEN_FLAGS);
      } catch (error) {
        if (code(error) === "ENOENT")
          return refuse("missing", "does not exist");
      }
    }
  }
  if (fd === void 0) {
    let real;
    try {
      real = fs.realpathSync.native(lexical);
    } catch (error) {
      const reason = code(error);
      if (reason === "ENOENT" || reason === "ENOTDIR")
        return refuse("missing", "does not exist");
      return refuse("unreadable", `cannot be read (${reason})`);
    }
    if (!allowed && !isWithin(realRoot, real)) {
      return refuse("outside-root", `is a symbolic link (or lies under one) that leads outside the scanned directory, to ${real}; it was not read`);
    }
    try {
      fd = fs.openSync(real, OPEN_FLAGS);
    } catch (error) {
      const reason = code(error);
      if (reason === "ENOENT")
        return refuse("missing", "does not exist");
      return refuse("unreadable", `cannot be read (${reason})`);
    }
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile())
      return refuse("not-a-file", `is ${describeType(stat)}, not a regular file; it was not read`);
    if (stat.size > maxBytes)
      return refuse("too-large", `is ${stat.size} bytes, over the ${maxBytes}-byte limit for repository files; it was not read`);
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let reads = 0; length < buffer.length && reads <= buffer.length; reads += 1) {
      const count = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0)
        break;
      length += count;
      if (length >= stat.size && stat.size > 0 && stat.size < maxBytes)
        break;
    }
    if (length > maxBytes)
      return refuse("too-large", `is over the ${maxBytes}-byte limit for repository files; it was not read`);
    return buffer.toString("utf8", 0, length);
  } catch (error) {
    return refuse("unreadable", `cannot be read (${code(error)})`);
  } finally {
    fs.closeSync(fd);
  }
}
var OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW;
function realDirectory(lexicalRoot, realRoot, relativeDirectory, cache) {
  if (relativeDirectory === "." || relativeDirectory === "")
    return realRoot;
  const cached = cache.get(relativeDirectory);
  if (cached !== void 0)
    return cached;
  const slash = relativeDirectory.lastIndexOf(path.sep);
  const parent = realDirectory(lexicalRoot, realRoot, slash < 0 ? "" : relativeDirectory.slice(0, slash), cache);
  if (parent === void 0)
    return void 0;
  const name = relativeDirectory.slice(slash + 1);
  if (name === ".." || name === "." || name === "")
    return void 0;
  let real;
  try {
    const candidate = `${parent}${parent.endsWith(path.sep) ? "" : path.sep}${name}`;
    const stat = fs.lstatSync(candidate, { throwIfNoEntry: false });
    if (stat === void 0)
      return void 0;
    if (stat.isDirectory())
      real = candidate;
    else if (stat.isSymbolicLink()) {
      real = fs.realpathSync.native(path.join(lexicalRoot, relativeDirectory));
      if (!isWithin(realRoot, real) || !fs.statSync(real).isDirectory())
        return void 0;
    } else
      return void 0;
  } catch {
    return void 0;
  }
  cache.set(relativeDirectory, real);
  return real;
}
function confinedReader(root, limits = {}) {
  const refused = /* @__PURE__ */ new Map();
  const reasons = /* @__PURE__ */ new Map();
  const context = readerContext(root, limits, void 0, true);
  return {
    readFile: (relativePath) => {
      const result = readConfined(context, relativePath);
      if (typeof result === "string")
        return result;
      if (result.problem !== "missing" && !refused.has(relativePath)) {
        reasons.set(relativePath, result.why);
        refused.set(relativePath, {
          kind: "invalid-file",
          severity: "error",
          message: result.message,
          file: relativePath,
          suggestion: "Keep compose files, Dockerfiles and env files as regular files inside the scanned directory"
        });
      }
      return void 0;
    },
    findings: () => [...refused.values()],
    refusal: (relativePath) => reasons.get(relativePath)
  };
}
function isWithin(base, candidate) {
  if (path.sep === "/" && isNormalAbsolute(base) && isNormalAbsolute(candidate)) {
    return candidate === base || base === "/" || candidate.startsWith(base) && candidate.charCodeAt(base.length) === 47;
  }
  const relative5 = path.relative(base, candidate);
  return relative5 === "" || !relative5.startsWith(`..${path.sep}`) && relative5 !== ".." && !path.isAbsolute(relative5);
}
function isNormalAbsolute(file) {
  return file.startsWith("/") && (file === "/" || !file.endsWith("/")) && !/\/\.{0,2}(?:\/|$)/.test(file);
}
function describeType(stat) {
  if (stat.isDirectory())
    return "a directory";
  if (stat.isFIFO())
    return "a named pipe (FIFO)";
  if (stat.isCharacterDevice())
    return "a character device";
  if (stat.isBlockDevice())
    return "a block device";
  if (stat.isSocket())
    return "a socket";
  return "not a regular file";
}
function code(error) {
  if (typeof error === "object" && error !== null && "code" in error)
    return String(error.code);
  return typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
}

// lib/extract/template.js
import * as path2 from "node:path";

// lib/extract/dotenv.js
var KEY = /^[A-Za-z_.][A-Za-z0-9_.-]*/;
function parseDotenv(text, file, lookup) {
  const values = /* @__PURE__ */ new Map();
  const findings = [];
  const resolve4 = (name) => lookup(name) ?? values.get(name);
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const invalid = (why) => {
      findings.push({ kind: "invalid-file", severity: "warning", message: `${file}:${lineNumber}: ${why}; the line is ignored`, file, line: lineNumber });
    };
    const unresolved = (why) => {
      findings.push({ kind: "unresolved-variable", severity: "warning", message: `${file}:${lineNumber}: ${why}`, file, line: lineNumber });
    };
    let rest = lines[index].trimStart();
    if (rest === "" || rest.startsWith("#"))
      continue;
    if (/^export[ \t]/.test(rest))
      rest = rest.slice("export".length).trimStart();
    const key = KEY.exec(rest)?.[0];
    if (key === void 0) {
      invalid(`line ${lineNumber} is not NAME=value (it does not start with a variable name)`);
      continue;
    }
    rest = rest.slice(key.length).trimStart();
    if (rest === "" || rest.startsWith("#")) {
      if (isWithheldName(key)) {
        unresolved(`${key} is ${WITHHELD_REASON}; it is not passed through`);
        continue;
      }
      const inherited = lookup(key);
      if (inherited !== void 0)
        values.set(key, inherited);
      continue;
    }
    if (rest[0] !== "=" && rest[0] !== ":") {
      invalid(`line ${lineNumber} is not NAME=value (no '=' after the name)`);
      continue;
    }
    rest = rest.slice(1).replace(/^[ \t]+/, "");
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      const parts = [rest.slice(1)];
      let closeInLine = findClosingQuote(parts[0], quote);
      while (closeInLine < 0 && index + 1 < lines.length) {
        index += 1;
        const line = lines[index];
        parts.push(line);
        closeInLine = findClosingQuote(line, quote);
      }
      if (closeInLine < 0) {
        invalid(`the ${quote === '"' ? "double" : "single"} quote of ${key} is never closed`);
        continue;
      }
      const body = parts.join("\n");
      const close = body.length - parts[parts.length - 1].length + closeInLine;
      const after = body.slice(close + 1).trim();
      if (after !== "" && !after.startsWith("#")) {
        invalid(`unexpected text after the quoted value of ${key}`);
        continue;
      }
      const raw2 = body.slice(0, close);
      if (quote === "'") {
        values.set(key, raw2);
        continue;
      }
      const expanded2 = expand(unescapeDoubleQuoted(raw2), resolve4);
      report(expanded2.problems, key, invalid, unresolved);
      if (expanded2.ok)
        values.set(key, expanded2.value);
      continue;
    }
    const comment = /[ \t]#/.exec(rest);
    const raw = (comment === null ? rest : rest.slice(0, comment.index)).trim();
    const expanded = expand(raw, resolve4);
    report(expanded.problems, key, invalid, unresolved);
    if (expanded.ok)
      values.set(key, expanded.value);
  }
  return { values, findings };
}
function findClosingQuote(text, quote) {
  for (let i = 0; i < text.length; i += 1) {
    if (quote === '"' && text[i] === "\\") {
      i += 1;
      continue;
    }
    if (text[i] === quote)
      return i;
  }
  return -1;
}
function unescapeDoubleQuoted(raw) {
  return raw.replace(/\\(.)/gs, (whole, ch) => {
    switch (ch) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "	";
      case '"':
      case "\\":
        return ch;
      case "$":
        return "$$";
      default:
        return whole;
    }
  });
}
function expand(raw, lookup) {
  if (!raw.includes("$"))
    return { value: raw, ok: true, problems: [] };
  const result = interpolate(raw, lookup, COMPOSE_SYNTAX);
  return { value: result.value, ok: result.problems.length === 0, problems: result.problems };
}
function report(problems, key, invalid, unresolved) {
  for (const problem of problems) {
    switch (problem.kind) {
      case "withheld":
        unresolved(`the value of ${key} uses ${problem.name ?? "a variable"}, which is ${WITHHELD_REASON}; ${key} is not set`);
        break;
      case "required":
        unresolved(`the value of ${key} requires ${problem.name ?? "a variable"}, which is not set; ${key} is not set`);
        break;
      case "too-deep":
        invalid(`the value of ${key} nests variables too deeply`);
        break;
      case "syntax":
        invalid(`the value of ${key} is not valid variable syntax (an unterminated or invalid \${\u2026})`);
        break;
    }
  }
}

// lib/extract/template.js
var TEMPLATE_SUFFIXES = [".tpl", ".template"];
function renderedPath(file) {
  for (const suffix of TEMPLATE_SUFFIXES) {
    if (file.endsWith(suffix) && file.length > suffix.length && !file.endsWith(`/${suffix}`))
      return file.slice(0, -suffix.length);
  }
  return void 0;
}
function isTemplate(file) {
  return renderedPath(file) !== void 0;
}
var MARK_PREFIX = "__image_mirror_unset_";
var MARK_SUFFIX = "__";
var EXPRESSION_MARK = `${MARK_PREFIX}expression${MARK_SUFFIX}`;
var MARK = /__image_mirror_unset_([A-Za-z_][A-Za-z0-9_]*)__/g;
var PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function unsetPlaceholders(text) {
  return [...new Set([...text.matchAll(MARK)].map((match) => match[1]))];
}
var TemplateRenderer = class {
  options;
  rendered = /* @__PURE__ */ new Map();
  dotenvs = /* @__PURE__ */ new Map();
  found = [];
  constructor(options) {
    this.options = options;
  }
  /** readFile that renders templates: what the compose loader and the Dockerfile scan read. */
  readFile = (file) => {
    if (!isTemplate(file))
      return this.options.readFile(file);
    return this.render(file)?.text;
  };
  /** Notices (where values came from) and warnings (expressions that are not placeholders) of the templates rendered so far. */
  findings() {
    return [...this.found];
  }
  /** Placeholders with no value in the templates rendered so far: the caller decides how much each matters. */
  unresolved() {
    const out = [];
    for (const [file, rendered] of this.rendered) {
      if (rendered === void 0)
        continue;
      for (const [name, lines] of rendered.unresolved)
        out.push({ file, name, lines, lookedIn: rendered.lookedIn });
    }
    return out;
  }
  /** Where values for the templates in `file`'s directory were looked for, for messages about a reference that kept a marker. */
  lookedIn(file) {
    return this.render(file)?.lookedIn ?? this.sourcesFor(file).map((source) => source.label);
  }
  render(file) {
    if (this.rendered.has(file))
      return this.rendered.get(file);
    const text = this.options.readFile(file);
    const renders = renderedPath(file);
    if (text === void 0 || renders === void 0) {
      this.rendered.set(file, void 0);
      return void 0;
    }
    const sources = this.sourcesFor(file);
    const lookedIn = sources.map((source) => source.label);
    const unresolved = /* @__PURE__ */ new Map();
    const used = /* @__PURE__ */ new Map();
    const lineStarts = computeLineStarts(text);
    const lineAt = (offset) => {
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const mid = low + high + 1 >> 1;
        if (lineStarts[mid] <= offset)
          low = mid;
        else
          high = mid - 1;
      }
      return low + 1;
    };
    const output = text.replace(PLACEHOLDER, (whole, inner, offset) => {
      const line = lineAt(offset);
      if (!NAME.test(inner)) {
        this.found.push({
          kind: "unresolved-variable",
          severity: "warning",
          message: `Template expression ${whole} in ${file}:${line} is not a {{NAME}} placeholder; it was not evaluated`,
          file,
          line,
          suggestion: "Use {{NAME}} placeholders filled from .env files, or commit the rendered file"
        });
        return EXPRESSION_MARK;
      }
      const source = sources.find((candidate) => candidate.values.has(inner));
      if (source === void 0) {
        unresolved.set(inner, [...unresolved.get(inner) ?? [], line]);
        return `${MARK_PREFIX}${inner}${MARK_SUFFIX}`;
      }
      if (!used.has(inner))
        used.set(inner, source);
      return source.values.get(inner);
    });
    if (used.size > 0) {
      const bySource = /* @__PURE__ */ new Map();
      for (const [name, source] of used)
        bySource.set(source, [...bySource.get(source) ?? [], `{{${name}}}`]);
      const parts = [...bySource].map(([source, names]) => `${names.join(", ")} from ${source.label}`);
      const defaults = [...bySource.keys()].filter((source) => source.isDefault);
      this.found.push({
        kind: "scan-note",
        severity: "notice",
        message: `${file} was rendered with ${parts.join("; ")}${defaults.length > 0 ? ` (${defaults.map((source) => source.label).join(", ")} hold${defaults.length === 1 ? "s" : ""} documented defaults, not the values of a deployment)` : ""}`,
        file,
        line: 1,
        ...defaults.length > 0 && { suggestion: `Set the values in the environment, an env-file input or ${path2.posix.join(path2.posix.dirname(file), ".env")} to choose them` }
      });
    }
    const result = { text: output, renders, unresolved, lookedIn };
    this.rendered.set(file, result);
    return result;
  }
  sourcesFor(file) {
    const dir = path2.posix.dirname(file);
    const sources = [{ label: "the environment", values: new Map(Object.entries(this.options.env)), isDefault: false }];
    const add = (candidate, isDefault) => {
      const normalised = path2.posix.normalize(candidate);
      if (sources.some((source) => source.label === normalised))
        return;
      const values = this.dotenv(normalised);
      if (values !== void 0)
        sources.push({ label: normalised, values, isDefault });
    };
    for (const envFile of [...this.options.envFiles].reverse())
      add(envFile, false);
    add(path2.posix.join(dir, ".env"), false);
    add(".env", false);
    if (this.options.templateDefaults !== void 0) {
      for (const defaults of [...this.options.templateDefaults].reverse())
        add(defaults, true);
    } else {
      add(path2.posix.join(dir, ".env.example"), true);
      add(".env.example", true);
    }
    return sources;
  }
  dotenv(file) {
    if (this.dotenvs.has(file))
      return this.dotenvs.get(file);
    const text = this.options.readFile(file);
    const env = this.options.env;
    const values = text === void 0 ? void 0 : parseDotenv(text, file, (name) => Object.hasOwn(env, name) ? env[name] : void 0).values;
    this.dotenvs.set(file, values);
    return values;
  }
};
function computeLineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1)
    if (text[i] === "\n")
      starts.push(i + 1);
  return starts;
}

// lib/discover/discover.js
var DEFAULT_COMPOSE_PATTERNS = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yaml",
  "docker-compose.yml",
  "compose.*.yaml",
  "compose.*.yml",
  "docker-compose.*.yaml",
  "docker-compose.*.yml"
];
var DEFAULT_DOCKERFILE_PATTERNS = ["Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*"];
var SKIPPED_DIRECTORIES = /* @__PURE__ */ new Set([".git", "node_modules"]);
var NOT_DOCKERFILES = compileGlob("*.dockerignore");
var DEFAULTS_ENTRY = "defaults";
function discoverFiles(root, options) {
  const compose = compileGlobSet(expandDefaults(options.composePatterns, DEFAULT_COMPOSE_PATTERNS));
  const dockerfiles = compileGlobSet(expandDefaults(options.dockerfilePatterns, DEFAULT_DOCKERFILE_PATTERNS));
  const exclude = compileGlobSet(options.exclude);
  const classify = (relative5) => {
    const rendered = renderedPath(relative5);
    const matches = (set) => set.matches(relative5) || rendered !== void 0 && set.matches(rendered);
    if (matches(compose))
      return "compose";
    if (matches(dockerfiles))
      return NOT_DOCKERFILES.matches(relative5) ? "not-a-dockerfile" : "dockerfile";
    return void 0;
  };
  const byName = exclude.patterns.length === 0 && compose.byNameOnly && dockerfiles.byNameOnly;
  const result = { composeFiles: [], dockerfiles: [], findings: [] };
  const visitedDirectories = /* @__PURE__ */ new Set();
  let realRoot;
  try {
    realRoot = fs2.realpathSync.native(root);
  } catch (error) {
    result.findings.push(unreadable(".", error));
    return result;
  }
  const walk = (absolute, relative5, real) => {
    let entries;
    try {
      entries = fs2.readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      result.findings.push(unreadable(relative5 || ".", error));
      return;
    }
    if (visitedDirectories.has(real)) {
      result.findings.push({
        kind: "invalid-file",
        severity: "warning",
        message: `Skipped ${relative5}: a symbolic link leads back to a directory already scanned (${path3.relative(root, real) || "."})`,
        file: relative5
      });
      return;
    }
    visitedDirectories.add(real);
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const entry of entries) {
      const isLink = entry.isSymbolicLink();
      if (!isLink && !entry.isDirectory()) {
        if (!entry.isFile())
          continue;
        const kind = byName ? classify(entry.name) : void 0;
        if (byName && kind !== "compose" && kind !== "dockerfile")
          continue;
        const fileRelative = relative5 === "" ? entry.name : `${relative5}/${entry.name}`;
        if (!byName && exclude.matches(fileRelative))
          continue;
        const fileKind = kind ?? classify(fileRelative);
        if (fileKind === "compose")
          result.composeFiles.push(fileRelative);
        else if (fileKind === "dockerfile")
          result.dockerfiles.push(fileRelative);
        continue;
      }
      const childRelative = relative5 === "" ? entry.name : `${relative5}/${entry.name}`;
      if (exclude.matches(childRelative))
        continue;
      const childAbsolute = `${absolute}${absolute.endsWith(path3.sep) ? "" : path3.sep}${entry.name}`;
      if (!isLink) {
        if (!SKIPPED_DIRECTORIES.has(entry.name))
          walk(childAbsolute, childRelative, `${real}${real.endsWith(path3.sep) ? "" : path3.sep}${entry.name}`);
        continue;
      }
      let isDirectory;
      let isFile;
      let target;
      try {
        const stat = fs2.statSync(childAbsolute);
        isDirectory = stat.isDirectory();
        isFile = stat.isFile();
        const wanted = isDirectory ? !SKIPPED_DIRECTORIES.has(entry.name) : classify(childRelative) !== void 0;
        target = wanted ? fs2.realpathSync.native(childAbsolute) : void 0;
        if (target !== void 0 && !isWithin(realRoot, target)) {
          result.findings.push({
            kind: "invalid-file",
            severity: "warning",
            message: `Skipped ${childRelative}: it is a symbolic link to ${target}, outside the scanned directory; it was not read`,
            file: childRelative,
            suggestion: "Only files inside the scanned directory are read: copy what it links to into the repository, or scan the directory it lives in"
          });
          continue;
        }
      } catch (error) {
        if (classify(childRelative) !== void 0)
          result.findings.push(unreadable(childRelative, error));
        continue;
      }
      if (isDirectory) {
        if (target !== void 0)
          walk(childAbsolute, childRelative, target);
      } else if (isFile) {
        const kind = classify(childRelative);
        if (kind === "compose")
          result.composeFiles.push(childRelative);
        else if (kind === "dockerfile")
          result.dockerfiles.push(childRelative);
      }
    }
  };
  walk(path3.resolve(root), "", realRoot);
  result.composeFiles.sort();
  result.dockerfiles.sort();
  return result;
}
function expandDefaults(patterns, defaults) {
  return patterns.length === 0 ? defaults : patterns.flatMap((pattern) => pattern === DEFAULTS_ENTRY ? defaults : [pattern]);
}
function unreadable(file, error) {
  const reason = error instanceof Error && "code" in error ? String(error.code) : String(error);
  return {
    kind: "invalid-file",
    severity: "warning",
    message: `Could not read ${file} (${reason}); it was not scanned`,
    file
  };
}
function groupComposeProjects(composeFiles) {
  const byDirectory = /* @__PURE__ */ new Map();
  for (const file of composeFiles) {
    const group = `${path3.posix.dirname(file)}\0${renderedPath(file) === void 0 ? "" : "template"}`;
    byDirectory.set(group, [...byDirectory.get(group) ?? [], file]);
  }
  const projects = [];
  for (const files of byDirectory.values()) {
    const name = (file) => path3.posix.basename(renderedPath(file) ?? file);
    const base = files.find((file) => /^(?:docker-)?compose\.ya?ml$/.test(name(file)));
    const override = files.find((file) => base !== void 0 && /^(?:docker-)?compose\.override\.ya?ml$/.test(name(file)));
    const variants = files.filter((file) => file !== base && file !== override);
    if (base === void 0) {
      for (const file of files)
        projects.push([file]);
      continue;
    }
    projects.push(override === void 0 ? [base] : [base, override]);
    for (const variant of variants)
      projects.push([base, variant]);
  }
  return projects;
}

// lib/extract/compose.js
import * as path6 from "node:path";

// lib/extract/compose-draft.js
var import_yaml = __toESM(require_dist(), 1);
var RESET = /* @__PURE__ */ Symbol("reset");
var BUILD_SCALARS = ["context", "dockerfile", "dockerfile_inline", "target", "network", "shm_size"];
var BUILD_MAPS = ["args", "labels", "additional_contexts"];
var BUILD_LISTS = ["platforms", "cache_from", "cache_to", "extra_hosts", "tags", "ssh"];
var SECRET_FIELDS = ["file", "environment", "external", "name"];
function present(field) {
  return field === RESET ? void 0 : field;
}
function emptyBuild(origin, scope) {
  return { origin, scope, replace: false, scalars: /* @__PURE__ */ new Map(), maps: /* @__PURE__ */ new Map(), lists: /* @__PURE__ */ new Map(), otherKeys: /* @__PURE__ */ new Set() };
}
function mergeServices(base, over) {
  const merged = { name: over.name, origin: over.origin };
  const image = over.image ?? base.image;
  const platform = over.platform ?? base.platform;
  const build = mergeBuild(base.build, over.build);
  if (image !== void 0)
    merged.image = image;
  if (platform !== void 0)
    merged.platform = platform;
  if (build !== void 0)
    merged.build = build;
  return merged;
}
function mergeBuild(base, over) {
  if (over === void 0)
    return base;
  if (over === RESET || base === void 0 || base === RESET || over.replace)
    return over;
  const merged = {
    ...emptyBuild(over.origin, over.scope),
    scalars: new Map([...base.scalars, ...over.scalars]),
    otherKeys: /* @__PURE__ */ new Set([...base.otherKeys, ...over.otherKeys])
  };
  if (over.scalars.has("dockerfile_inline") && !over.scalars.has("dockerfile"))
    merged.scalars.delete("dockerfile");
  if (over.scalars.has("dockerfile") && !over.scalars.has("dockerfile_inline"))
    merged.scalars.delete("dockerfile_inline");
  for (const key of BUILD_MAPS) {
    const values = new Map([...base.maps.get(key) ?? [], ...over.maps.get(key) ?? []]);
    if (values.size > 0)
      merged.maps.set(key, values);
  }
  const secrets = mergeBuildSecrets(base.secrets, over.secrets);
  if (secrets !== void 0)
    merged.secrets = secrets;
  for (const key of BUILD_LISTS) {
    const b = base.lists.get(key);
    const o = over.lists.get(key);
    if (o === RESET)
      merged.lists.set(key, RESET);
    else if (o === void 0 || b === void 0 || b === RESET) {
      const value = o ?? b;
      if (value !== void 0)
        merged.lists.set(key, value);
    } else {
      const seen = new Set(b.map((item) => item.text));
      merged.lists.set(key, [...b, ...o.filter((item) => !seen.has(item.text))]);
    }
  }
  return merged;
}
function mergeBuildSecrets(base, over) {
  if (over === void 0)
    return base;
  if (over === RESET || base === void 0 || base === RESET)
    return over;
  const idOf = (entry) => (entry.target ?? entry.source).text;
  const merged = [...base];
  for (const entry of over) {
    const index = merged.findIndex((existing) => idOf(existing) === idOf(entry));
    if (index < 0)
      merged.push(entry);
    else
      merged[index] = entry;
  }
  return merged;
}
function mergeSecretDefinitions(base, over) {
  const merged = new Map(base);
  for (const [name, definition] of over) {
    const existing = merged.get(name);
    merged.set(name, existing === void 0 ? definition : { name, origin: definition.origin, fields: new Map([...existing.fields, ...definition.fields]) });
  }
  return merged;
}
var DraftReader = class {
  parsed;
  scope;
  report;
  constructor(parsed, scope, report2) {
    this.parsed = parsed;
    this.scope = scope;
    this.report = report2;
  }
  at(node, fallback) {
    return { file: this.parsed.file, line: lineOf(node, this.parsed.lineCounter, fallback) };
  }
  /**
   * A service mapping. `legacy` is a version 1 file, where `dockerfile` is a
   * key of the service itself.
   */
  service(name, entry, problem, legacy = false) {
    const { doc, lineCounter, file } = this.parsed;
    const draft = { name, origin: { file, line: lineOf(entry.keyNode, lineCounter) } };
    const fields = mapEntries(entry.value, doc, problem) ?? /* @__PURE__ */ new Map();
    const image = fields.get("image");
    if (image !== void 0)
      draft.image = this.field(image);
    const platform = fields.get("platform");
    if (platform !== void 0)
      draft.platform = this.field(platform);
    const build = fields.get("build");
    if (build !== void 0) {
      const node = deref(build.value, doc);
      const origin = { file, line: lineOf(build.keyNode, lineCounter) };
      if (node?.tag === "!reset")
        draft.build = RESET;
      else if ((0, import_yaml.isMap)(node))
        draft.build = this.build(node, origin, name, problem);
      else if ((0, import_yaml.isScalar)(node) && node.value !== null) {
        const spec = emptyBuild(origin, this.scope);
        spec.scalars.set("context", this.rawValue(build));
        draft.build = spec;
      } else {
        this.report(`'build' of service '${name}' must be a path or a mapping; it was ignored`, origin);
      }
    }
    const legacyDockerfile = legacy ? fields.get("dockerfile") : void 0;
    if (legacyDockerfile !== void 0 && draft.build !== void 0 && draft.build !== RESET && !draft.build.scalars.has("dockerfile")) {
      draft.build.scalars.set("dockerfile", this.field(legacyDockerfile));
    }
    const extended = fields.get("extends");
    if (extended !== void 0) {
      const node = deref(extended.value, doc);
      if ((0, import_yaml.isMap)(node)) {
        const extendsFields = mapEntries(node, doc, problem) ?? /* @__PURE__ */ new Map();
        const service = extendsFields.get("service");
        const fromFile = extendsFields.get("file");
        if (service === void 0) {
          problem(`'extends' of service '${name}' has no 'service'; it was ignored`, node);
        } else {
          draft.extends = { service: this.rawValue(service), ...fromFile !== void 0 && { file: this.rawValue(fromFile) } };
        }
      } else if ((0, import_yaml.isScalar)(node) && node.value !== null) {
        draft.extends = { service: this.rawValue(extended) };
      } else {
        problem(`'extends' of service '${name}' must be a service name or a mapping; it was ignored`, node ?? entry.keyNode);
      }
    }
    return draft;
  }
  build(node, origin, service, problem) {
    const { doc } = this.parsed;
    const spec = { ...emptyBuild(origin, this.scope), replace: node.tag === "!override" };
    const fields = mapEntries(node, doc, problem) ?? /* @__PURE__ */ new Map();
    for (const [key, entry] of fields) {
      if (BUILD_SCALARS.includes(key))
        spec.scalars.set(key, this.field(entry));
      else if (BUILD_MAPS.includes(key))
        spec.maps.set(key, this.keyValues(entry, key, service));
      else if (key === "secrets") {
        const secrets = this.buildSecrets(entry, service);
        if (secrets !== void 0)
          spec.secrets = secrets;
      } else if (BUILD_LISTS.includes(key)) {
        const list = this.list(entry, key, service);
        if (list !== void 0)
          spec.lists.set(key, list);
      } else
        spec.otherKeys.add(key);
    }
    return spec;
  }
  /** `K: v` mapping (`K:` with no value: the environment's value) or `- K=v` list (`- K`: the environment's). */
  keyValues(entry, key, service) {
    const values = /* @__PURE__ */ new Map();
    const { doc, lineCounter } = this.parsed;
    const node = deref(entry.value, doc);
    if (node?.tag === "!reset")
      return values;
    const entries = mapEntries(node, doc);
    if (entries !== void 0) {
      for (const [name, value] of entries)
        values.set(name, this.field(value));
      return values;
    }
    if ((0, import_yaml.isSeq)(node)) {
      for (const item of node.items) {
        const itemNode = deref(item, doc);
        const origin = this.at(itemNode, lineOf(node, lineCounter));
        if (!(0, import_yaml.isScalar)(itemNode) || itemNode.value === null || typeof itemNode.value === "object") {
          this.report(`${key} of service '${service}' must be KEY=value; the entry was ignored`, origin);
          continue;
        }
        const text = typeof itemNode.value === "string" ? itemNode.value : itemNode.source ?? String(itemNode.value);
        const equals = text.indexOf("=");
        const name = equals < 0 ? text : text.slice(0, equals);
        const value = equals < 0 ? null : text.slice(equals + 1);
        values.set(name, { text: value, isString: true, isCollection: false, origin, scope: this.scope });
      }
      return values;
    }
    if (node === null || (0, import_yaml.isScalar)(node) && node.value === null)
      return values;
    this.report(`'${key}' of service '${service}' must be a mapping or a list; it was ignored`, this.at(node));
    return values;
  }
  /** A list of strings; a mapping (extra_hosts, ssh) becomes `key=value` items. */
  list(entry, key, service) {
    const { doc } = this.parsed;
    const node = deref(entry.value, doc);
    if (node?.tag === "!reset")
      return RESET;
    if (node === null || (0, import_yaml.isScalar)(node) && node.value === null)
      return [];
    const asMap = mapEntries(node, doc);
    if (asMap !== void 0 && (key === "extra_hosts" || key === "ssh")) {
      return [...asMap.values()].map((value) => {
        const raw = this.rawValue(value);
        return { ...raw, text: raw.text === null ? value.key : `${value.key}=${raw.text}`, isString: true, isCollection: false };
      });
    }
    if ((0, import_yaml.isScalar)(node))
      return [this.rawValue(entry)];
    if (!(0, import_yaml.isSeq)(node)) {
      this.report(`'${key}' of service '${service}' must be a list; it was ignored`, this.at(node));
      return void 0;
    }
    const items = [];
    for (const item of node.items) {
      const itemEntry = { key, keyNode: entry.keyNode, value: item, merged: false };
      const raw = this.rawValue(itemEntry);
      if (raw.isCollection) {
        this.report(`an entry of '${key}' of service '${service}' must be a string; it was ignored`, raw.origin);
        continue;
      }
      if (raw.text !== null)
        items.push(raw);
    }
    return items;
  }
  /** A build's `secrets`: `- name`, or `- source: name` with an optional `target` (the id the Dockerfile mounts). */
  buildSecrets(entry, service) {
    const { doc } = this.parsed;
    const node = deref(entry.value, doc);
    if (node?.tag === "!reset")
      return RESET;
    if (node === null || (0, import_yaml.isScalar)(node) && node.value === null)
      return [];
    if (!(0, import_yaml.isSeq)(node)) {
      this.report(`'secrets' of the build of service '${service}' must be a list; it was ignored`, this.at(node));
      return void 0;
    }
    const secrets = [];
    for (const item of node.items) {
      const itemNode = deref(item, doc);
      const fields = (0, import_yaml.isMap)(itemNode) ? mapEntries(itemNode, doc) : void 0;
      if (fields !== void 0) {
        const source = fields.get("source");
        const sourceValue = source === void 0 ? void 0 : this.rawValue(source);
        if (sourceValue === void 0 || sourceValue.text === null || sourceValue.isCollection) {
          this.report(`an entry of the build secrets of service '${service}' needs a source (the name of a top-level secret); it was ignored`, this.at(itemNode));
          continue;
        }
        const target = fields.get("target");
        const targetValue = target === void 0 ? void 0 : this.rawValue(target);
        secrets.push({ source: sourceValue, ...targetValue !== void 0 && targetValue.text !== null && !targetValue.isCollection && { target: targetValue } });
        continue;
      }
      const raw = this.rawValue({ key: "secrets", keyNode: entry.keyNode, value: item, merged: false });
      if (raw.isCollection || raw.text === null) {
        this.report(`an entry of the build secrets of service '${service}' must be a secret's name or a mapping with a source; it was ignored`, raw.origin);
        continue;
      }
      secrets.push({ source: raw });
    }
    return secrets;
  }
  /** The top-level `secrets:` mapping: each definition's file, environment, external and name. */
  secretDefinitions(entry, problem) {
    const definitions = /* @__PURE__ */ new Map();
    const { doc, lineCounter, file } = this.parsed;
    const node = deref(entry.value, doc);
    if (node === null || (0, import_yaml.isScalar)(node) && node.value === null)
      return definitions;
    const entries = mapEntries(node, doc, problem);
    if (entries === void 0) {
      problem("the top-level 'secrets' must be a mapping of secret names to definitions; it was ignored", node);
      return definitions;
    }
    for (const [name, definition] of entries) {
      const origin = { file, line: lineOf(definition.keyNode, lineCounter) };
      const fields = /* @__PURE__ */ new Map();
      const definitionNode = deref(definition.value, doc);
      const definitionFields = mapEntries(definitionNode, doc, problem);
      if (definitionFields === void 0) {
        if (!(definitionNode === null || (0, import_yaml.isScalar)(definitionNode) && definitionNode.value === null))
          problem(`secret '${name}' must be a mapping (file, environment or external)`, definitionNode);
      } else {
        for (const key of SECRET_FIELDS) {
          const field = definitionFields.get(key);
          if (field !== void 0)
            fields.set(key, this.field(field));
        }
      }
      definitions.set(name, { name, origin, fields });
    }
    return definitions;
  }
  field(entry) {
    const node = deref(entry.value, this.parsed.doc);
    if (node?.tag === "!reset")
      return RESET;
    return this.rawValue(entry);
  }
  rawValue(entry) {
    const node = deref(entry.value, this.parsed.doc);
    const keyLine = lineOf(entry.keyNode, this.parsed.lineCounter);
    const line = node === null || (0, import_yaml.isScalar)(node) && node.value === null ? keyLine : lineOf(node, this.parsed.lineCounter, keyLine);
    const origin = { file: this.parsed.file, line };
    if ((0, import_yaml.isScalar)(node) && node.value !== null && typeof node.value !== "object") {
      const isString = typeof node.value === "string";
      return {
        text: isString ? node.value : node.source ?? String(node.value),
        isString,
        isCollection: false,
        origin,
        scope: this.scope,
        ...node.type === "BLOCK_LITERAL" && { literalBlock: true }
      };
    }
    return { text: null, isString: false, isCollection: node !== null && !(0, import_yaml.isScalar)(node), origin, scope: this.scope };
  }
};

// lib/extract/compose-loader.js
var import_yaml2 = __toESM(require_dist(), 1);
import * as path5 from "node:path";

// lib/extract/compose-service.js
import * as path4 from "node:path";
var ValueResolver = class {
  findings = [];
  report(kind, severity, message, where2, suggestion) {
    this.findings.push({
      kind,
      severity,
      message: message.charAt(0).toUpperCase() + message.slice(1),
      ...where2.file !== void 0 && { file: where2.file },
      ...where2.line !== void 0 && { line: where2.line },
      ...suggestion !== void 0 && { suggestion }
    });
  }
  /**
   * Interpolates one value as compose does: an unset variable becomes '' with
   * compose's warning. For an image (`image: true`), an empty or invalid
   * result is an error instead, and undefined is returned.
   */
  text(value, what, options = {}) {
    if (value.isCollection) {
      this.report("invalid-file", "error", `${what} must be a string`, value.origin);
      return void 0;
    }
    if (value.text === null)
      return "";
    if (!value.text.includes("$"))
      return value.text;
    const result = interpolate(value.text, value.scope.lookup, COMPOSE_SYNTAX);
    if (result.errors.length > 0) {
      for (const error of result.errors) {
        const syntax = /^(unterminated '\$\{'|invalid variable name|unsupported modifier)/.test(error);
        this.report(syntax ? "invalid-file" : "unresolved-variable", "error", `Cannot resolve ${what}: ${error}`, value.origin);
      }
      return void 0;
    }
    if (result.missing.length === 0)
      return result.value;
    const names = result.missing.map((name) => `"${name}"`).join(", ");
    const suggestion = `Set ${result.missing[0]} in the environment or in an env file, or give it a default: \${${result.missing[0]}:-value}`;
    if (options.image === true && (result.value.trim() === "" || "error" in tryParseReference(result.value))) {
      this.report("unresolved-variable", "error", `The ${names} variable${result.missing.length > 1 ? "s are" : " is"} not set: as a blank string, ${what} ('${value.text}') is '${result.value}', which is not an image reference`, value.origin, suggestion);
      return void 0;
    }
    this.report("unresolved-variable", "warning", `The ${names} variable${result.missing.length > 1 ? "s are" : " is"} not set. Defaulting to a blank string (in ${what}: '${value.text}' is '${result.value}')`, value.origin, suggestion);
    return result.value;
  }
};
function resolveService(draft, values, secrets = /* @__PURE__ */ new Map()) {
  const service = { name: draft.name };
  let failed = false;
  const image = present(draft.image);
  if (image !== void 0) {
    const what = `the image of service '${draft.name}'`;
    if (image.isCollection || !image.isString && image.text !== null) {
      values.report("invalid-reference", "error", `${what} must be a string`, image.origin);
      failed = true;
    } else if (image.text === null || image.text.trim() === "") {
      values.report("invalid-reference", "error", `${what} is empty`, image.origin);
      failed = true;
    } else {
      const hasBuild = draft.build !== void 0 && draft.build !== RESET;
      const text = values.text(image, what, { image: !hasBuild });
      if (text === void 0)
        failed = true;
      else if (text.trim() !== "")
        service.image = { text, origin: image.origin };
      else if (!hasBuild) {
        values.report("invalid-reference", "error", `${what} is empty once its variables are substituted`, image.origin);
        failed = true;
      }
    }
  }
  const build = draft.build === RESET ? void 0 : draft.build;
  if (build !== void 0) {
    const resolved = resolveBuild(build, draft.name, values, secrets);
    if (resolved === void 0)
      failed = true;
    else
      service.build = resolved;
  }
  const platform = present(draft.platform);
  if (platform !== void 0) {
    const text = values.text(platform, `the platform of service '${draft.name}'`);
    if (text !== void 0 && text !== "")
      service.platform = text;
  }
  if (failed)
    return void 0;
  if (service.image === void 0 && service.build === void 0) {
    values.report("invalid-file", "warning", `Service '${draft.name}' has neither an image nor a build section`, draft.origin);
  }
  return service;
}
var LIST_FIELDS = {
  platforms: "platforms",
  cache_from: "cacheFrom",
  cache_to: "cacheTo",
  extra_hosts: "extraHosts",
  tags: "tags",
  ssh: "ssh"
};
function resolveBuild(build, service, values, definitions) {
  const scalar = (key) => present(build.scalars.get(key));
  const context = scalar("context");
  const contextText = context === void 0 ? "." : values.text(context, `the build context of service '${service}'`);
  const dockerfile = scalar("dockerfile");
  const dockerfileText = dockerfile === void 0 ? "Dockerfile" : values.text(dockerfile, `the dockerfile of service '${service}'`);
  const targetValue = scalar("target");
  const target = targetValue === void 0 ? void 0 : values.text(targetValue, `the build target of service '${service}'`);
  if (contextText === void 0 || dockerfileText === void 0 || targetValue !== void 0 && target === void 0)
    return void 0;
  const keyValues = (key) => {
    const out = [];
    const origins = [];
    for (const [name, field] of build.maps.get(key) ?? []) {
      const value = present(field);
      if (value === void 0)
        continue;
      if (value.text === null && !value.isCollection) {
        const fromEnvironment = value.scope.lookup(name);
        if (fromEnvironment !== void 0)
          out.push([name, fromEnvironment]);
        continue;
      }
      const text = values.text(value, `${key === "args" ? "build arg" : key} ${name} of service '${service}'`);
      if (text === void 0)
        continue;
      out.push([name, text]);
      origins.push([name, value.origin]);
    }
    return { values: out, origins };
  };
  const result = {
    context: contextText,
    dockerfile: dockerfileText,
    args: Object.fromEntries(keyValues("args").values),
    origin: build.origin,
    ...target !== void 0 && target !== "" && { target }
  };
  const labels = keyValues("labels").values;
  if (labels.length > 0)
    result.labels = Object.fromEntries(labels);
  for (const key of ["network", "shm_size"]) {
    const value = scalar(key);
    const text = value === void 0 ? void 0 : values.text(value, `build ${key} of service '${service}'`);
    if (text === void 0 || text === "")
      continue;
    if (key === "network")
      result.network = text;
    else
      result.shmSize = text;
  }
  for (const key of BUILD_LISTS) {
    const list = build.lists.get(key);
    if (list === void 0 || list === RESET)
      continue;
    const items = list.flatMap((item) => {
      const text = values.text(item, `build ${key} of service '${service}'`);
      return text === void 0 || text === "" ? [] : [text];
    });
    if (items.length > 0)
      result[LIST_FIELDS[key]] = items;
  }
  if (build.secrets !== void 0 && build.secrets !== RESET) {
    const secrets = build.secrets.flatMap((entry) => buildSecret(entry, service, values, definitions) ?? []);
    if (secrets.length > 0)
      result.secrets = secrets;
  }
  if (build.otherKeys.size > 0)
    result.otherKeys = [...build.otherKeys].sort();
  const inline = scalar("dockerfile_inline");
  if (isRemote(contextText)) {
    values.report("invalid-file", "warning", `Service '${service}' builds from the remote context ${contextText}; its Dockerfile is not scanned`, context?.origin ?? build.origin);
    return { ...result, notScanned: "remote-context" };
  }
  const workingDir = context?.scope.workingDir ?? build.scope.workingDir;
  result.context = withoutTrailingSlash(path4.posix.isAbsolute(contextText) ? path4.posix.normalize(contextText) : path4.posix.join(workingDir, contextText));
  const contexts = keyValues("additional_contexts");
  if (contexts.values.length > 0) {
    result.additionalContexts = Object.fromEntries(contexts.values.map(([name, value]) => [name, resolveContextPath(value, build.scope.workingDir)]));
    result.additionalContextOrigins = Object.fromEntries(contexts.origins);
  }
  result.dockerfile = path4.posix.isAbsolute(dockerfileText) ? path4.posix.normalize(dockerfileText) : path4.posix.join(result.context, dockerfileText);
  if (inline !== void 0) {
    const text = values.text(inline, `dockerfile_inline of service '${service}'`);
    if (text === void 0)
      return void 0;
    const origin = inline.origin;
    const block = inline.literalBlock === true;
    result.inline = { text, originOf: (line) => ({ file: origin.file, line: block ? origin.line + line : origin.line }) };
    result.dockerfile = "";
    if (isOutsideRoot(result.context)) {
      values.report("invalid-file", "warning", `Service '${service}' builds in ${result.context}, outside the scanned directory`, context?.origin ?? build.origin);
      return { ...result, notScanned: "outside-root" };
    }
    return result;
  }
  if (isOutsideRoot(result.context) || isOutsideRoot(result.dockerfile)) {
    values.report("invalid-file", "warning", `Service '${service}' builds from ${result.dockerfile}, outside the scanned directory; it is not scanned`, (isOutsideRoot(result.context) ? context?.origin : dockerfile?.origin) ?? build.origin);
    return { ...result, notScanned: "outside-root" };
  }
  return result;
}
function buildSecret(entry, service, values, definitions) {
  const name = values.text(entry.source, `a build secret of service '${service}'`);
  if (name === void 0 || name === "")
    return void 0;
  const target = entry.target === void 0 ? void 0 : values.text(entry.target, `the target of build secret ${name} of service '${service}'`);
  if (entry.target !== void 0 && target === void 0)
    return void 0;
  const secret = { id: target !== void 0 && target !== "" ? target : name, name, origin: entry.source.origin };
  const definition = definitions.get(name);
  if (definition === void 0) {
    values.report("invalid-file", "error", `Service '${service}' uses the build secret '${name}', which no top-level 'secrets:' defines; the build cannot run`, entry.source.origin, `Define it at the top level: secrets: { ${name}: { file: ./path/to/${name} } } (or environment: VARIABLE)`);
    return { ...secret, unusable: "undefined" };
  }
  const field = (key) => {
    const value = present(definition.fields.get(key));
    if (value === void 0)
      return void 0;
    const text = values.text(value, `the ${key} of secret '${name}'`);
    return text === void 0 || text === "" ? void 0 : text;
  };
  const file = field("file");
  const environment = field("environment");
  if (file !== void 0) {
    const fileValue = present(definition.fields.get("file"));
    secret.file = file.startsWith("~") || path4.posix.isAbsolute(file) ? path4.posix.normalize(file) : path4.posix.join(fileValue.scope.workingDir, file);
    return secret;
  }
  if (environment !== void 0)
    return { ...secret, environment };
  const external = present(definition.fields.get("external"));
  values.report("invalid-file", "warning", `Service '${service}' uses the build secret '${name}', ${external !== void 0 && external.text !== "false" ? "an external secret" : "whose definition has neither file nor environment"} (${definition.origin.file}:${definition.origin.line}): a build takes only a secret defined by file or environment; it is not passed to the build`, entry.source.origin, `Define ${name} with file: or environment: for the build`);
  return { ...secret, unusable: "external" };
}
function resolveContextPath(value, workingDir) {
  if (value.includes("://") || value.startsWith("service:") || isRemote(value))
    return value;
  return withoutTrailingSlash(path4.posix.isAbsolute(value) ? path4.posix.normalize(value) : path4.posix.join(workingDir, value));
}
function isRemote(context) {
  return /^(?:https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/|oci:\/\/)/.test(context);
}
function isOutsideRoot(relative5) {
  return relative5 === ".." || relative5.startsWith("../") || path4.posix.isAbsolute(relative5);
}
function withoutTrailingSlash(dir) {
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

// lib/extract/compose-loader.js
var MAX_INCLUDE_DEPTH = 16;
var MAX_EXTENDS_DEPTH = 32;
var TOP_LEVEL_KEYS = /* @__PURE__ */ new Set(["version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"]);
var ComposeLoader = class {
  options;
  values = new ValueResolver();
  /** Compose files read, in the order first read. */
  files = [];
  /** Compose files read through a top-level `include`. */
  included = [];
  /** The text of each compose file read. */
  texts = /* @__PURE__ */ new Map();
  parsed = /* @__PURE__ */ new Map();
  environments = /* @__PURE__ */ new Map();
  scopeIds = /* @__PURE__ */ new WeakMap();
  loadedFiles = /* @__PURE__ */ new Map();
  drafts = /* @__PURE__ */ new Map();
  extended = /* @__PURE__ */ new Map();
  /** How many `extends` chains were cut short so far. */
  cutChains = 0;
  constructor(options) {
    this.options = options;
  }
  /**
   * A lookup over the process environment, then `options.envFiles`, then the
   * given env files (an optional `.env`, or an include's `env_file`). An
   * included file's lookup has the including project's in front: compose-go
   * gives an include the parent's environment (its `.env` too), and the
   * include's own env files only fill what that leaves unset.
   */
  environment(files, parent) {
    const key = `${files.map((f) => f.file).join("\0")}\0${parent === void 0 ? 0 : this.scopeIds.get(parent)}`;
    const cached = this.environments.get(key);
    if (cached !== void 0)
      return cached;
    const env = this.options.env;
    const base = parent ?? ((name) => Object.hasOwn(env, name) ? env[name] : void 0);
    const values = /* @__PURE__ */ new Map();
    const all = [...files, ...this.options.envFiles.map((file) => ({ file: normalisePath(file), required: true, origin: void 0 }))];
    for (const { file, required, origin } of all) {
      const text = this.options.readFile(file);
      if (text === void 0) {
        if (required) {
          this.values.report(origin === void 0 ? "invalid-config" : "invalid-file", "error", `Env file ${file} does not exist or cannot be read`, origin ?? { file });
        }
        continue;
      }
      const parsed = parseDotenv(text, file, (name) => base(name) ?? values.get(name));
      this.values.findings.push(...parsed.findings);
      for (const [name, value] of parsed.values)
        values.set(name, value);
    }
    const lookup = (name) => base(name) ?? values.get(name);
    this.environments.set(key, lookup);
    this.scopeIds.set(lookup, this.environments.size);
    return lookup;
  }
  scopeKey(file, scope) {
    return `${file}\0${scope.workingDir}\0${this.scopeIds.get(scope.lookup) ?? 0}`;
  }
  parse(file) {
    const cached = this.parsed.get(file);
    if (cached !== void 0)
      return cached;
    const text = this.options.readFile(file);
    if (text === void 0) {
      this.parsed.set(file, "unreadable");
      return "unreadable";
    }
    if (!this.files.includes(file))
      this.files.push(file);
    this.texts.set(file, text);
    const { doc, lineCounter, more } = parseComposeYaml(text);
    const error = doc.errors[0];
    if (error !== void 0) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
      const more2 = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML error${doc.errors.length > 2 ? "s" : ""})` : "";
      this.values.report("invalid-file", "error", `Invalid YAML: ${firstLine(error.message)}${more2}; the file was not scanned`, { file, line });
      this.parsed.set(file, "invalid");
      return "invalid";
    }
    const parsed = { file, doc, lineCounter, text, ...more.length > 0 && { more } };
    this.parsed.set(file, parsed);
    return parsed;
  }
  /**
   * One file with its includes loaded and its `extends` resolved. Undefined
   * when it cannot be read (the caller reports that where it is referenced);
   * an empty result when it is invalid (already reported).
   */
  loadFile(file, scope, stack) {
    const key = this.scopeKey(file, scope);
    if (this.loadedFiles.has(key))
      return this.loadedFiles.get(key);
    const raw = this.readDrafts(file, scope, stack);
    let result;
    if (raw !== void 0) {
      const services = /* @__PURE__ */ new Map();
      for (const [name, draft] of raw.services)
        services.set(name, this.resolveExtends(draft, raw.services, scope, [`${file}#${name}`]));
      result = { services, ...raw.name !== void 0 && { name: raw.name }, ...raw.secrets !== void 0 && { secrets: raw.secrets } };
    }
    this.loadedFiles.set(key, result);
    return result;
  }
  /** The services of one file as written (plus what its includes bring), `extends` not yet applied. */
  readDrafts(file, scope, stack) {
    const key = this.scopeKey(file, scope);
    if (this.drafts.has(key))
      return this.drafts.get(key);
    const result = this.readDraftsOnce(file, scope, stack);
    this.drafts.set(key, result);
    return result;
  }
  readDraftsOnce(file, scope, stack) {
    const parsed = this.parse(file);
    if (parsed === "unreadable")
      return void 0;
    if (parsed === "invalid")
      return { services: /* @__PURE__ */ new Map() };
    const first = this.readDocument(parsed, scope, stack);
    if (parsed.more === void 0)
      return first;
    const services = new Map(first.services);
    let { name, secrets } = first;
    for (const doc of parsed.more) {
      const next = this.readDocument({ ...parsed, doc }, scope, stack);
      for (const [serviceName, draft] of next.services) {
        const existing = services.get(serviceName);
        services.set(serviceName, existing === void 0 ? draft : mergeServices(existing, draft));
      }
      if (next.name !== void 0)
        name = next.name;
      if (next.secrets !== void 0)
        secrets = mergeSecretDefinitions(secrets ?? /* @__PURE__ */ new Map(), next.secrets);
    }
    return { services, ...name !== void 0 && { name }, ...secrets !== void 0 && secrets.size > 0 && { secrets } };
  }
  /** The services of one YAML document of a file, with what its includes bring. */
  readDocument(parsed, scope, stack) {
    const { file, doc, lineCounter } = parsed;
    const services = /* @__PURE__ */ new Map();
    const at = (node, fallback) => ({ file, line: lineOf(node, lineCounter, fallback) });
    const problem = (message, node) => this.values.report("invalid-file", "error", message, at(node));
    const reader = new DraftReader(parsed, scope, (message, origin) => this.values.report("invalid-file", "error", message, origin));
    if (doc.contents === null || (0, import_yaml2.isScalar)(doc.contents) && doc.contents.value === null)
      return { services };
    const top = mapEntries(doc.contents, doc, problem);
    if (top === void 0) {
      problem("a compose file must be a mapping at the top level; the file was not scanned", doc.contents);
      return { services };
    }
    const secrets = /* @__PURE__ */ new Map();
    const include = top.get("include");
    if (include !== void 0) {
      for (const [name2, draft] of this.loadIncludes(include, parsed, scope, stack, secrets))
        services.set(name2, draft);
    }
    const secretsEntry = top.get("secrets");
    if (secretsEntry !== void 0)
      for (const [name2, definition] of reader.secretDefinitions(secretsEntry, problem))
        secrets.set(name2, definition);
    const nameEntry = top.get("name");
    const name = nameEntry === void 0 ? void 0 : reader.rawValue(nameEntry);
    const withName = () => ({ services, ...name !== void 0 && { name }, ...secrets.size > 0 && { secrets } });
    const servicesEntry = top.get("services");
    let serviceEntries;
    let legacy = false;
    if (servicesEntry === void 0) {
      const legacyEntries = [...top].filter(([key, entry]) => !TOP_LEVEL_KEYS.has(key) && !key.startsWith("x-") && looksLikeService(entry, doc));
      if (legacyEntries.length === 0)
        return withName();
      legacy = true;
      serviceEntries = new Map(legacyEntries);
      this.values.report("scan-note", "notice", `legacy version 1 format: ${file} has its services at the top level (no 'services:' key), which current Docker Compose no longer reads; its services were scanned`, at(legacyEntries[0][1].keyNode), "Move the services under a top-level 'services:' key");
    } else {
      const servicesNode = deref(servicesEntry.value, doc);
      if (servicesNode === null || (0, import_yaml2.isScalar)(servicesNode) && servicesNode.value === null)
        return withName();
      serviceEntries = mapEntries(servicesNode, doc, problem);
      if (serviceEntries === void 0) {
        problem("'services' must be a mapping of service names to services; no service of this file was scanned", servicesNode);
        return withName();
      }
    }
    for (const [serviceName, entry] of serviceEntries) {
      const node = deref(entry.value, doc);
      if (!(0, import_yaml2.isMap)(node)) {
        const line = lineOf(entry.value ?? entry.keyNode, lineCounter, lineOf(entry.keyNode, lineCounter));
        this.values.report("invalid-file", "error", `service '${serviceName}' must be a mapping; it was not scanned`, { file, line });
        continue;
      }
      if (services.has(serviceName)) {
        this.values.report("invalid-file", "warning", `Service '${serviceName}' is defined both in ${file} and in a file it includes; the definition in ${file} is used`, at(entry.keyNode));
      }
      services.set(serviceName, reader.service(serviceName, entry, problem, legacy));
    }
    return withName();
  }
  loadIncludes(entry, parsed, scope, stack, secrets) {
    const services = /* @__PURE__ */ new Map();
    const { doc, lineCounter, file } = parsed;
    const reader = new DraftReader(parsed, scope, (message, origin) => this.values.report("invalid-file", "error", message, origin));
    const node = deref(entry.value, doc);
    const at = (n) => ({ file, line: lineOf(n, lineCounter, lineOf(entry.keyNode, lineCounter)) });
    if (!(0, import_yaml2.isSeq)(node)) {
      this.values.report("invalid-file", "error", `'include' must be a list; nothing was included`, at(node ?? entry.keyNode));
      return services;
    }
    for (const item of node.items) {
      const itemNode = deref(item, doc);
      const paths = [];
      const envFiles = [];
      let projectDirectory;
      const itemEntries = mapEntries(itemNode, doc);
      if (itemEntries !== void 0) {
        const listOf = (e) => {
          if (e === void 0)
            return [];
          const value = deref(e.value, doc);
          if (!(0, import_yaml2.isSeq)(value))
            return [reader.rawValue(e)];
          return value.items.map((child, index) => reader.rawValue({ key: String(index), keyNode: e.keyNode, value: child, merged: false }));
        };
        paths.push(...listOf(itemEntries.get("path")));
        envFiles.push(...listOf(itemEntries.get("env_file")));
        const directory = itemEntries.get("project_directory");
        if (directory !== void 0)
          projectDirectory = reader.rawValue(directory);
      } else if ((0, import_yaml2.isScalar)(itemNode)) {
        paths.push(reader.rawValue({ key: "", keyNode: itemNode, value: itemNode, merged: false }));
      }
      if (paths.length === 0) {
        this.values.report("invalid-file", "error", `an 'include' entry needs a path; it was ignored`, at(itemNode));
        continue;
      }
      const baseDir = path5.posix.dirname(file);
      const resolved = paths.map((p) => ({ raw: p, text: this.values.text(p, "include path") }));
      if (resolved.some((p) => p.text === void 0 || p.text === ""))
        continue;
      const remote = resolved.find((p) => isRemote(p.text));
      if (remote !== void 0) {
        this.values.report("invalid-file", "warning", `remote include ${remote.text} is not scanned`, remote.raw.origin);
        continue;
      }
      const includedFiles = resolved.map((p) => ({ ...p, file: path5.posix.join(baseDir, p.text) }));
      const directoryText = projectDirectory === void 0 ? void 0 : this.values.text(projectDirectory, "include project_directory");
      const workingDir = directoryText !== void 0 ? path5.posix.join(baseDir, directoryText) : path5.posix.dirname(includedFiles[0].file);
      const envSpecs = envFiles.length > 0 ? envFiles.flatMap((e) => {
        const text = this.values.text(e, "include env_file");
        return text === void 0 ? [] : [{ file: path5.posix.join(baseDir, text), required: true, origin: e.origin }];
      }) : [{ file: path5.posix.join(workingDir, ".env"), required: false }];
      const lookup = this.environment(envSpecs, scope.lookup);
      for (const included of includedFiles) {
        if (isOutsideRoot(included.file)) {
          this.values.report("invalid-file", "warning", `included file ${included.text} is outside the scanned directory; it was not scanned`, included.raw.origin);
          continue;
        }
        if (stack.includes(included.file)) {
          this.values.report("invalid-file", "error", `${included.file} includes itself (${[...stack, included.file].join(" \u2192 ")})`, included.raw.origin);
          continue;
        }
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          this.values.report("invalid-file", "error", `includes nest deeper than ${MAX_INCLUDE_DEPTH} files (${[...stack, included.file].join(" \u2192 ")}); ${included.file} was not scanned`, included.raw.origin);
          continue;
        }
        const loaded = this.loadFile(included.file, { file: included.file, workingDir, lookup }, [...stack, included.file]);
        if (loaded !== void 0 && !this.included.includes(included.file))
          this.included.push(included.file);
        if (loaded === void 0) {
          this.values.report("invalid-file", "error", `included file ${included.file} does not exist or cannot be read`, included.raw.origin);
          continue;
        }
        for (const [name, draft] of loaded.services) {
          const existing = services.get(name);
          services.set(name, existing === void 0 ? draft : mergeServices(existing, draft));
        }
        for (const [name, definition] of loaded.secrets ?? [])
          secrets.set(name, definition);
      }
    }
    return services;
  }
  resolveExtends(draft, siblings, scope, chain) {
    const extended = draft.extends;
    if (extended === void 0)
      return draft;
    const memoKey = `${this.scopeKey(draft.origin.file, scope)}#${draft.name}`;
    const memo = this.extended.get(memoKey);
    if (memo !== void 0)
      return memo;
    const local = { ...draft };
    delete local.extends;
    const cutsBefore = this.cutChains;
    const result = this.extend(draft, extended, local, siblings, scope, chain);
    if (this.cutChains === cutsBefore)
      this.extended.set(memoKey, result);
    return result;
  }
  extend(draft, extended, local, siblings, scope, chain) {
    const baseName = this.values.text(extended.service, `'extends' of service '${draft.name}'`);
    if (baseName === void 0 || baseName === "")
      return local;
    let baseFile = extended.service.origin.file;
    let baseSiblings = siblings;
    let baseScope = scope;
    if (extended.file !== void 0) {
      const fileText = this.values.text(extended.file, `'extends.file' of service '${draft.name}'`);
      if (fileText === void 0 || fileText === "")
        return local;
      baseFile = path5.posix.join(path5.posix.dirname(extended.file.origin.file), fileText);
      if (isOutsideRoot(baseFile)) {
        this.values.report("invalid-file", "warning", `Service '${draft.name}' extends a service in ${fileText}, outside the scanned directory; the base service was not scanned`, extended.file.origin);
        return local;
      }
      baseScope = { file: baseFile, workingDir: path5.posix.dirname(baseFile), lookup: scope.lookup };
      const loaded = this.readDrafts(baseFile, baseScope, [baseFile]);
      if (loaded === void 0) {
        this.values.report("invalid-file", "error", `Service '${draft.name}' extends a service in ${baseFile}, which does not exist or cannot be read`, extended.file.origin, `Fix 'extends.file' of service '${draft.name}'`);
        return local;
      }
      baseSiblings = loaded.services;
    }
    const base = baseSiblings.get(baseName);
    if (base === void 0) {
      this.values.report("invalid-file", "error", `Service '${draft.name}' extends '${baseName}', which is not a service in ${baseFile}`, extended.service.origin);
      return local;
    }
    const key = `${baseFile}#${baseName}`;
    if (chain.includes(key)) {
      this.cutChains += 1;
      this.values.report("invalid-file", "error", `Service '${draft.name}' extends itself through ${[...chain, key].join(" \u2192 ")}`, extended.service.origin);
      return local;
    }
    if (chain.length >= MAX_EXTENDS_DEPTH) {
      this.cutChains += 1;
      this.values.report("invalid-file", "error", `Service '${draft.name}' is at the end of an 'extends' chain longer than ${MAX_EXTENDS_DEPTH} services; '${baseName}' and what it extends were not applied`, extended.service.origin);
      return local;
    }
    return mergeServices(this.resolveExtends(base, baseSiblings, baseScope, [...chain, key]), local);
  }
  projectName(nameValue, lookup, projectDirectory, file) {
    const setName = lookup("COMPOSE_PROJECT_NAME") ?? "";
    const fromEnv = normaliseProjectName(setName);
    if (fromEnv !== setName && setName !== "") {
      this.values.report("invalid-config", "error", `COMPOSE_PROJECT_NAME '${setName}' is not a valid compose project name (lowercase letters, digits, '-' and '_', starting with a letter or digit): docker compose refuses to load ${file} with it${fromEnv !== "" ? `; '${fromEnv}' is assumed here` : ""}`, { file }, fromEnv !== "" ? `Set COMPOSE_PROJECT_NAME=${fromEnv}` : "Set COMPOSE_PROJECT_NAME to a valid name, or unset it");
    }
    if (fromEnv !== "")
      return fromEnv;
    if (nameValue !== void 0) {
      const written = this.values.text(nameValue, "the project 'name'");
      if (written !== void 0) {
        const normalised = normaliseProjectName(written);
        if (normalised !== written) {
          this.values.report("invalid-file", "warning", `Project name '${written}' is not a valid compose project name (lowercase letters, digits, '-' and '_'); '${normalised || "the directory name"}' is used`, nameValue.origin);
        }
        if (normalised !== "")
          return normalised;
      }
    }
    const directoryName = projectDirectory === "." ? this.options.rootDirectoryName ?? "" : path5.posix.basename(projectDirectory);
    return normaliseProjectName(directoryName) || "project";
  }
};
function looksLikeService(entry, doc) {
  const fields = mapEntries(entry.value, doc);
  return fields !== void 0 && (fields.has("image") || fields.has("build"));
}
function normaliseProjectName(name) {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, "").replace(/^[_-]+/, "");
}
function normalisePath(file) {
  return path5.posix.normalize(file.replace(/\\/g, "/"));
}
function firstLine(message) {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

// lib/extract/compose-rewrite.js
var import_yaml3 = __toESM(require_dist(), 1);
function rewriteComposeImages(text, images, file) {
  const findings = [];
  const unchanged = () => ({ text, findings });
  const { doc, more, lineCounter } = parseComposeYaml(text, { keepSourceTokens: true });
  const error = doc.errors[0];
  if (error !== void 0) {
    const line = error.linePos?.[0].line ?? 1;
    findings.push({ kind: "invalid-file", severity: "error", message: `Invalid YAML: ${firstLine2(error.message)}; images were not rewritten`, file, line });
    return unchanged();
  }
  if (more.length > 0) {
    findings.push({
      kind: "failed",
      severity: "error",
      message: `${file} holds ${more.length + 1} YAML documents, which compose merges in order; its images are not rewritten in place`,
      file,
      line: lineOf(more[0].contents, lineCounter),
      suggestion: "Merge the documents into one, or write the overrides as a separate compose file"
    });
    return unchanged();
  }
  if (!(0, import_yaml3.isMap)(doc.contents))
    return unchanged();
  const servicesPair = doc.contents.items.find((pair) => (0, import_yaml3.isScalar)(pair.key) && pair.key.value === "services");
  const services = servicesPair === void 0 ? doc.contents : servicesPair.value;
  if (servicesPair !== void 0 && !(0, import_yaml3.isMap)(services)) {
    findings.push({
      kind: "failed",
      severity: "error",
      message: "'services' is not written as a mapping in this file (an alias?); its images cannot be rewritten in place",
      file,
      line: lineOf(servicesPair.key, lineCounter)
    });
    return unchanged();
  }
  if (!(0, import_yaml3.isMap)(services))
    return unchanged();
  const edits = [];
  const rewritten = /* @__PURE__ */ new Map();
  for (const pair of services.items) {
    if (isMergeKey(pair.key)) {
      findings.push({
        kind: "failed",
        severity: "error",
        message: "Services merged into 'services' with << cannot be rewritten in place; write them out in this file",
        file,
        line: lineOf(pair.key, lineCounter)
      });
      continue;
    }
    if (!(0, import_yaml3.isScalar)(pair.key))
      continue;
    const name = String(pair.key.value);
    const entries = mapEntries(pair.value, doc);
    if (entries === void 0)
      continue;
    const image = entries.get("image");
    const build = entries.get("build");
    if (image === void 0 && build === void 0)
      continue;
    const line = image !== void 0 ? lineOf(deref(image.value, doc) ?? image.keyNode, lineCounter) : lineOf(build.keyNode, lineCounter);
    const target = images.get(name);
    if (target === void 0) {
      findings.push({ kind: "unmapped", severity: "error", message: `Service '${name}' has no target image; its image was left unchanged`, file, line });
      continue;
    }
    const edit = editFor(pair, image !== void 0 && !image.merged, target, text);
    if (typeof edit === "string") {
      findings.push({ kind: "failed", severity: "error", message: `Cannot rewrite the image of service '${name}': ${edit}`, file, line });
      continue;
    }
    edits.push(edit);
    rewritten.set(name, target);
  }
  let output = text;
  for (const edit of edits.sort((a, b) => b.offset - a.offset)) {
    output = output.slice(0, edit.offset) + edit.insert + output.slice(edit.offset + edit.remove);
  }
  const problem = verify(output, rewritten);
  if (problem !== void 0) {
    findings.push({ kind: "failed", severity: "error", message: `Rewriting the images of ${file} went wrong (${problem}); the file was left unchanged`, file });
    return unchanged();
  }
  return { text: output, findings };
}
function editFor(pair, hasOwnImage, target, text) {
  const service = pair.value;
  if ((0, import_yaml3.isAlias)(service)) {
    const token = aliasToken(service);
    if (token === void 0)
      return "no source position for the alias";
    return { offset: token.offset, remove: token.source.length, insert: `{ <<: ${token.source}, image: ${renderScalar(target, 0, true)} }` };
  }
  if (!(0, import_yaml3.isMap)(service))
    return "the service is not a mapping";
  const inFlow = service.flow === true;
  if (hasOwnImage) {
    const imagePair = service.items.find((item) => (0, import_yaml3.isScalar)(item.key) && item.key.value === "image" && !isMergeKey(item.key));
    if (imagePair === void 0)
      return "image key not found";
    const value = imagePair.value;
    if (value === null || (0, import_yaml3.isScalar)(value) && value.value === null && value.srcToken === void 0) {
      const keyEnd = imagePair.key.range?.[1];
      const colon = keyEnd === void 0 ? -1 : text.indexOf(":", keyEnd);
      if (colon < 0)
        return "no source position for the empty image";
      return { offset: colon + 1, remove: 0, insert: ` ${renderScalar(target, 0, inFlow)}` };
    }
    if (value.tag !== void 0)
      return `the image is tagged ${value.tag}`;
    if ((0, import_yaml3.isAlias)(value)) {
      const token2 = aliasToken(value);
      if (token2 === void 0)
        return "no source position for the image alias";
      return { offset: token2.offset, remove: token2.source.length, insert: renderScalar(target, 0, inFlow) };
    }
    if (!(0, import_yaml3.isScalar)(value) || value.srcToken === void 0)
      return "the image is not a scalar";
    const token = value.srcToken;
    const original = import_yaml3.CST.stringify(token);
    if (text.slice(token.offset, token.offset + original.length) !== original)
      return "source positions do not match the text";
    const replacement = structuredClone(token);
    import_yaml3.CST.setScalarValue(replacement, target, { afterKey: true, inFlow });
    return { offset: token.offset, remove: original.length, insert: import_yaml3.CST.stringify(replacement) };
  }
  const first = service.items[0];
  const firstStart = first?.key?.range?.[0];
  if (firstStart === void 0)
    return "the service mapping is empty";
  if (inFlow)
    return { offset: firstStart, remove: 0, insert: `image: ${renderScalar(target, 0, true)}, ` };
  const lineStart = text.lastIndexOf("\n", firstStart - 1) + 1;
  const indent = text.slice(lineStart, firstStart);
  if (!/^ *$/.test(indent))
    return "the first key of the service does not start its line";
  return { offset: firstStart, remove: 0, insert: `image: ${renderScalar(target, indent.length, false)}
${indent}` };
}
function aliasToken(node) {
  const token = node.srcToken;
  return token?.type === "alias" ? token : void 0;
}
function renderScalar(value, indent, inFlow) {
  const token = import_yaml3.CST.createScalarToken(value, { indent, inFlow });
  return token.type === "block-scalar" ? JSON.stringify(value) : token.source;
}
function verify(output, expected) {
  const { doc } = parseComposeYaml(output);
  if (doc.errors.length > 0)
    return firstLine2(doc.errors[0].message);
  const services = (0, import_yaml3.isMap)(doc.contents) ? mapEntries(doc.contents.has("services") ? doc.contents.get("services", true) : doc.contents, doc) : void 0;
  for (const [name, target] of expected) {
    const image = mapEntries(services?.get(name)?.value, doc)?.get("image");
    const value = deref(image?.value, doc);
    if (!(0, import_yaml3.isScalar)(value) || value.value !== target)
      return `service '${name}' reads ${(0, import_yaml3.isScalar)(value) ? String(value.value) : "no image"}`;
  }
  return void 0;
}
function firstLine2(message) {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

// lib/extract/compose.js
function loadComposeProject(files, options) {
  const loader = new ComposeLoader(options);
  const first = files[0];
  if (first === void 0) {
    return { name: normaliseProjectName(options.rootDirectoryName ?? "") || "project", inputs: [], files: [], included: [], texts: /* @__PURE__ */ new Map(), services: [], findings: [] };
  }
  const projectDirectory = path6.posix.dirname(normalisePath(first));
  const lookup = loader.environment([{ file: path6.posix.join(projectDirectory, ".env"), required: false }]);
  const merged = /* @__PURE__ */ new Map();
  let nameValue;
  let secrets = /* @__PURE__ */ new Map();
  const inputs = files.map(normalisePath);
  for (const file of inputs) {
    const loaded = loader.loadFile(file, { file, workingDir: projectDirectory, lookup }, [file]);
    if (loaded === void 0) {
      loader.values.report("invalid-file", "error", `Compose file ${file} does not exist or cannot be read`, { file });
      continue;
    }
    if (loaded.name !== void 0)
      nameValue = loaded.name;
    if (loaded.secrets !== void 0)
      secrets = mergeSecretDefinitions(secrets, loaded.secrets);
    for (const [name2, draft] of loaded.services) {
      const existing = merged.get(name2);
      merged.set(name2, existing === void 0 ? draft : mergeServices(existing, draft));
    }
  }
  const name = loader.projectName(nameValue, lookup, projectDirectory, inputs[0]);
  const services = [];
  for (const draft of merged.values()) {
    const service = resolveService(draft, loader.values, secrets);
    if (service !== void 0)
      services.push(service);
  }
  return { name, inputs, files: loader.files, included: loader.included, texts: loader.texts, services, findings: uniqueFindings(loader.values.findings) };
}
function defaultServiceImageName(projectName, serviceName) {
  return `${normaliseProjectName(projectName)}-${serviceName}`;
}
function uniqueFindings(findings) {
  const seen = /* @__PURE__ */ new Set();
  return findings.filter((finding) => {
    const key = JSON.stringify([finding.kind, finding.severity, finding.message, finding.file, finding.line]);
    if (seen.has(key))
      return false;
    seen.add(key);
    return true;
  });
}

// lib/extract/dockerfile-model.js
var import_dockerfile_ast = __toESM(require_main(), 1);
var KEYWORDS = /* @__PURE__ */ new Set(["ARG", "FROM", "COPY", "ADD", "RUN"]);
function readDockerfile(text) {
  return scanPlainDockerfile(text) ?? parseDockerfileAst(text);
}
function parseDockerfileAst(text) {
  const dockerfile = import_dockerfile_ast.DockerfileParser.parse(text);
  const lineStarts = computeLineStarts(text);
  const offsetOf = (position) => (lineStarts[position.line] ?? text.length) + position.character;
  const rangeOf = (range) => range === null ? null : { start: offsetOf(range.start), end: offsetOf(range.end) };
  const argument = (arg) => ({ value: arg.getValue(), start: offsetOf(arg.getRange().start), end: offsetOf(arg.getRange().end) });
  const flagsOf2 = (instruction) => (instruction.getFlags?.() ?? []).map((flag) => ({
    name: flag.getName(),
    value: flag.getValue(),
    valueRange: rangeOf(flag.getValueRange()),
    options: flag.getOptions().map((option) => ({ name: option.getName(), value: option.getValue(), valueRange: rangeOf(option.getValueRange()) }))
  }));
  const instructions = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (!KEYWORDS.has(keyword))
      continue;
    const line = instruction.getRange().start.line + 1;
    if (keyword === "ARG") {
      const properties = instruction.getProperties();
      instructions.push({ keyword, line, args: [], flags: [], properties: properties.map((property) => ({ name: property.getName(), value: property.getValue() })) });
    } else {
      instructions.push({ keyword, line, args: keyword === "FROM" ? instruction.getArguments().map(argument) : [], flags: flagsOf2(instruction), properties: [] });
    }
  }
  return {
    escape: dockerfile.getEscapeCharacter(),
    directives: dockerfile.getDirectives().map((directive) => {
      const range = directive.getValueRange();
      return { name: directive.getName(), value: directive.getValue(), line: directive.getRange().start.line + 1, valueStart: offsetOf(range.start), valueEnd: offsetOf(range.end) };
    }),
    stageNames: dockerfile.getFROMs().map((from) => from.getBuildStage() ?? null),
    instructions
  };
}
function scanPlainDockerfile(text) {
  if (text.includes("\r") || text.charCodeAt(0) === 65279 || text.includes("<<"))
    return void 0;
  const directives = parserDirectives(text);
  if (directives === void 0)
    return void 0;
  const instructions = [];
  const stageNames = [];
  let lineStart = 0;
  let lineIndex = 0;
  for (; lineIndex < directives.length && lineStart <= text.length; lineIndex += 1) {
    const end = text.indexOf("\n", lineStart);
    lineStart = end < 0 ? text.length + 1 : end + 1;
  }
  for (; lineStart <= text.length; lineIndex += 1) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const start = lineStart;
    lineStart = lineEnd + 1;
    let first = start;
    while (first < lineEnd && isBlank(text.charCodeAt(first)))
      first += 1;
    if (first === lineEnd)
      continue;
    let last = lineEnd - 1;
    while (last > first && isBlank(text.charCodeAt(last)))
      last -= 1;
    if (text[last] === "\\")
      return void 0;
    if (text[first] === "#")
      continue;
    let keywordEnd = first;
    while (keywordEnd < lineEnd && !isBlank(text.charCodeAt(keywordEnd)))
      keywordEnd += 1;
    const word = text.slice(first, keywordEnd);
    if (word.includes("\\"))
      return void 0;
    const keyword = word.toUpperCase();
    if (!KEYWORDS.has(keyword))
      continue;
    const raw = splitArguments(text, keywordEnd, lineEnd);
    const line = lineIndex + 1;
    if (keyword === "ARG") {
      const rest = text.slice(keywordEnd, lineEnd);
      if (rest.includes("\\") || rest.includes('"') || rest.includes("'") || !plainVariables(rest))
        return void 0;
      instructions.push({ keyword, line, args: [], flags: [], properties: argProperties(raw, text) });
      continue;
    }
    const stop = keyword === "FROM" ? -1 : raw.findIndex((arg) => !arg.value.includes("--"));
    const readUpTo = stop < 0 ? lineEnd : raw[stop].end;
    if (text.slice(keywordEnd, readUpTo).includes("\\"))
      return void 0;
    const flags = flagsOf(raw);
    const args = raw.slice(flags.length);
    instructions.push({ keyword, line, args: keyword === "FROM" ? args : [], flags, properties: [] });
    if (keyword === "FROM")
      stageNames.push(args.length > 2 && args[1].value.toUpperCase() === "AS" ? args[2].value : null);
  }
  return { escape: "\\", directives, stageNames, instructions };
}
function plainVariables(text) {
  for (let open = text.indexOf("${"); open >= 0; open = text.indexOf("${", open + 2)) {
    const close = text.indexOf("}", open + 2);
    if (close < 0 || /[ \t]/.test(text.slice(open + 2, close)))
      return false;
  }
  return true;
}
function isBlank(code2) {
  return code2 === 32 || code2 === 9;
}
function splitArguments(text, from, to) {
  const args = [];
  let start = -1;
  for (let i = from; i <= to; i += 1) {
    const blank = i === to || isBlank(text.charCodeAt(i));
    if (blank && start >= 0) {
      args.push({ value: text.slice(start, i), start, end: i });
      start = -1;
    } else if (!blank && start < 0)
      start = i;
  }
  return args;
}
function flagsOf(args) {
  const flags = [];
  for (const arg of args) {
    const { value } = arg;
    if (!value.includes("--"))
      break;
    if (!value.startsWith("--"))
      continue;
    const index = value.indexOf("=");
    if (index === -1)
      flags.push({ name: value.substring(2), value: null, valueRange: null, options: [] });
    else if (index === value.length - 1)
      flags.push({ name: value.substring(2, index), value: "", valueRange: { start: arg.end, end: arg.end }, options: [] });
    else {
      const flagValue = value.substring(index + 1);
      const valueStart = arg.start + index + 1;
      flags.push({ name: value.substring(2, index), value: flagValue, valueRange: { start: valueStart, end: arg.end }, options: flagOptions(flagValue, valueStart) });
    }
  }
  return flags;
}
function flagOptions(value, offset) {
  const options = [];
  let nameStart = -1;
  let valueStart = -1;
  let hasOptions = false;
  const option = (end) => valueStart === -1 ? { name: value.substring(nameStart, end), value: null, valueRange: null } : { name: value.substring(nameStart, valueStart - 1), value: value.substring(valueStart, end), valueRange: { start: offset + valueStart, end: offset + end } };
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i];
    if (ch === "=") {
      hasOptions = true;
      if (valueStart === -1)
        valueStart = i + 1;
    } else if (ch === ",") {
      options.push(option(i));
      nameStart = -1;
      valueStart = -1;
    } else if (nameStart === -1)
      nameStart = i;
  }
  if (hasOptions && nameStart !== -1)
    options.push(option(value.length));
  return options;
}
function argProperties(args, text) {
  const property = (arg) => {
    const index = arg.value.indexOf("=");
    return index === -1 ? { name: arg.value, value: null } : { name: arg.value.slice(0, index), value: arg.value.slice(index + 1) };
  };
  const [first, second] = args;
  if (first === void 0)
    return [];
  if (second === void 0)
    return [property(first)];
  if (first.value.includes("="))
    return args.map(property);
  const lastArg = args[args.length - 1];
  return [{ name: first.value, value: args.length === 2 ? second.value : text.slice(second.start, lastArg.end) }];
}
function parserDirectives(buffer) {
  const directives = [];
  let line = 0;
  directiveCheck: for (let i = 0; i < buffer.length; i += 1) {
    switch (buffer[i]) {
      case " ":
      case "	":
        break;
      case "\n":
        break directiveCheck;
      case "#": {
        let directiveStart = -1;
        let directiveEnd = -1;
        for (let j = i + 1; j < buffer.length; j += 1) {
          const ch = buffer[j];
          if (ch === " " || ch === "	") {
            if (directiveStart !== -1 && directiveEnd === -1)
              directiveEnd = j;
          } else if (ch === "\n") {
            break directiveCheck;
          } else if (ch === "=") {
            let valueStart = -1;
            let valueEnd = -1;
            if (directiveEnd === -1)
              directiveEnd = j;
            let lineEnd = buffer.length;
            for (let k = j + 1; k < buffer.length; k += 1) {
              const c = buffer[k];
              if (c === "\n") {
                if (valueStart !== -1 && valueEnd === -1)
                  valueEnd = k;
                lineEnd = k;
                break;
              }
              if (c === " " || c === "	") {
                if (valueStart !== -1 && valueEnd === -1)
                  valueEnd = k;
                continue;
              }
              if (valueStart === -1)
                valueStart = k;
            }
            if (directiveStart === -1)
              break directiveCheck;
            if (valueStart === -1) {
              valueStart = j + 1;
              valueEnd = lineEnd;
            } else if (valueEnd === -1)
              valueEnd = buffer.length;
            const name = buffer.substring(directiveStart, directiveEnd);
            if (name.toLowerCase() === "escape")
              return void 0;
            directives.push({ name, value: buffer.substring(valueStart, valueEnd), line: line + 1, valueStart, valueEnd });
            line += 1;
            i = valueEnd;
            continue directiveCheck;
          } else if (directiveStart === -1)
            directiveStart = j;
        }
        break directiveCheck;
      }
      default:
        break directiveCheck;
    }
  }
  return directives;
}

// lib/extract/dockerfile.js
var PLATFORM_ARGS = /* @__PURE__ */ new Set([
  "BUILDPLATFORM",
  "BUILDOS",
  "BUILDARCH",
  "BUILDVARIANT",
  "TARGETPLATFORM",
  "TARGETOS",
  "TARGETARCH",
  "TARGETVARIANT"
]);
var PLATFORM_ARG_USE = new RegExp(`\\$\\{?(?:${[...PLATFORM_ARGS].join("|")})\\b`);
var usesPlatformArgs = (text) => PLATFORM_ARG_USE.test(text);
var ARCHITECTURES = { x64: "amd64", arm64: "arm64", arm: "arm/v7", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64", loong64: "loong64" };
function nativePlatform(arch = process.arch) {
  return `linux/${ARCHITECTURES[arch] ?? arch}`;
}
function automaticPlatformArgs(target, build = nativePlatform()) {
  const split = (platform) => {
    const [os = "linux", rawArch = "", rawVariant = ""] = platform.toLowerCase().split("/");
    const arch = rawArch === "x86_64" || rawArch === "x86-64" ? "amd64" : rawArch === "aarch64" ? "arm64" : rawArch;
    let variant = rawVariant;
    if (arch === "arm64" && (variant === "v8" || variant === "8"))
      variant = "";
    if (arch === "arm" && variant === "")
      variant = "v7";
    return { os, arch, variant };
  };
  const args = {};
  for (const [prefix, platform] of [
    ["TARGET", target],
    ["BUILD", build]
  ]) {
    const { os, arch, variant } = split(platform);
    args[`${prefix}PLATFORM`] = [os, arch, variant].filter((part) => part !== "").join("/");
    args[`${prefix}OS`] = os;
    args[`${prefix}ARCH`] = arch;
    args[`${prefix}VARIANT`] = variant;
  }
  return args;
}
function classifyContext(value) {
  if (value.startsWith("docker-image://"))
    return { kind: "image", reference: value.slice("docker-image://".length) };
  if (value.startsWith("service:"))
    return { kind: "service", service: value.slice("service:".length) };
  return { kind: "other" };
}
function extractDockerfile(text, options) {
  return extractDockerfileWith(readDockerfile, text, options);
}
function extractDockerfileWith(reader, text, options) {
  const references = [];
  const findings = [];
  const needs = /* @__PURE__ */ new Set();
  const services = /* @__PURE__ */ new Set();
  const seen = /* @__PURE__ */ new Set();
  const platforms = (options.platforms?.length ?? 0) > 1 && options.platformArgs !== false && usesPlatformArgs(text) ? options.platforms : [options.platforms?.[0]];
  for (const platform of platforms) {
    const analysis = analyseDockerfile(text, { ...options, platforms: platform === void 0 ? [] : [platform] }, reader);
    const wanted = stagesToBuild(analysis, options);
    for (const occurrence of analysis.occurrences) {
      const key = `${occurrence.start}:${occurrence.text}`;
      if (seen.has(key))
        continue;
      seen.add(key);
      references.push({
        kind: "base",
        text: occurrence.text,
        origin: occurrence.origin,
        source: occurrence.source,
        ...occurrence.platform !== void 0 && { platform: occurrence.platform },
        ...occurrence.frontend === true && { frontend: true }
      });
    }
    for (const occurrence of analysis.occurrences)
      if (occurrence.stage < 0 || wanted.stages.has(occurrence.stage))
        needs.add(occurrence.text);
    for (const index of wanted.stages)
      for (const service of analysis.stages[index]?.services ?? [])
        services.add(service);
    for (const finding of [...analysis.findings, ...wanted.findings]) {
      if (!findings.some((known) => known.message === finding.message && known.line === finding.line))
        findings.push(finding);
    }
  }
  return { references, findings, targetNeeds: [...needs], serviceContexts: [...services].sort() };
}
function rewriteDockerfileImages(text, rewrite, options) {
  const analysis = analyseDockerfile(text, options);
  const notes = [];
  const varying = /* @__PURE__ */ new Set();
  if ((options.platforms?.length ?? 0) > 1 && options.platformArgs !== false && usesPlatformArgs(text)) {
    const first = new Map(analysis.occurrences.map((occurrence) => [occurrence.start, occurrence.text]));
    for (const platform of options.platforms.slice(1)) {
      for (const occurrence of analyseDockerfile(text, { ...options, platforms: [platform] }).occurrences) {
        if (first.get(occurrence.start) !== occurrence.text)
          varying.add(occurrence.start);
      }
    }
  }
  let out = "";
  let cursor = 0;
  for (const occurrence of [...analysis.occurrences].filter((o) => o.end > o.start).sort((a, b) => a.start - b.start)) {
    if (occurrence.start < cursor)
      continue;
    if (varying.has(occurrence.start)) {
      notes.push({
        kind: "scan-note",
        severity: "notice",
        message: `${text.slice(occurrence.start, occurrence.end)} in ${occurrence.origin.file}:${occurrence.origin.line} names another image on each of the ${options.platforms?.length} platforms of the build, so it is not rewritten to the mirror: each platform's build pulls it from its source`,
        ...occurrence.origin,
        suggestion: "Build one platform per job, or name the image without a platform arg"
      });
      continue;
    }
    const replacement = rewrite(occurrence.text);
    if (replacement === void 0)
      continue;
    out += text.slice(cursor, occurrence.start) + replacement;
    cursor = occurrence.end;
  }
  return { text: out + text.slice(cursor), findings: analysis.findings, notes };
}
function contextKey(name) {
  const parsed = tryParseReference(name);
  return "ref" in parsed ? formatReference(parsed.ref) : name.toLowerCase();
}
function analyseDockerfile(text, options, reader = readDockerfile) {
  const { file } = options;
  const findings = [];
  const occurrences = [];
  const stages = [];
  const at = (line) => options.originOf?.(line) ?? { file, line };
  const where2 = (line) => {
    const origin = at(line);
    return `${origin.file}:${origin.line}`;
  };
  const finding = (kind, severity, message, line, suggestion) => {
    findings.push({ kind, severity, message, ...at(line), ...suggestion !== void 0 && { suggestion } });
  };
  let dockerfile;
  try {
    dockerfile = reader(text);
  } catch (error) {
    findings.push({ kind: "invalid-file", severity: "error", message: `Could not parse ${file}: ${String(error)}`, ...at(1) });
    return { occurrences, stages, findings };
  }
  const syntax = dockerfileSyntax(dockerfile.escape);
  const automatic = {};
  if (options.platformArgs !== false) {
    for (const [name, value] of Object.entries(automaticPlatformArgs(options.platforms?.[0] ?? nativePlatform())))
      automatic[name] = options.buildArgs?.[name] ?? value;
  }
  const buildArgs = { ...automatic, ...options.buildArgs };
  const contexts = /* @__PURE__ */ new Map();
  for (const [name, value] of Object.entries(options.contexts ?? {}))
    contexts.set(contextKey(name), classifyContext(value));
  for (const directive of dockerfile.directives) {
    if (directive.name.toLowerCase() !== "syntax")
      continue;
    const value = directive.value.trim();
    if (value === "")
      continue;
    occurrences.push({ source: "from", text: value, origin: at(directive.line), start: directive.valueStart, end: directive.valueEnd, stage: -1, frontend: true });
  }
  const allStageNames = /* @__PURE__ */ new Map();
  dockerfile.stageNames.forEach((name, index) => {
    if (name !== null && !allStageNames.has(name.toLowerCase()))
      allStageNames.set(name.toLowerCase(), index);
  });
  const stageCount = dockerfile.stageNames.length;
  const globalArgs = new Map(Object.entries(automatic));
  const stageArgs = /* @__PURE__ */ new Map();
  let seenFrom = false;
  const lookupIn = (scope) => (name) => scope.get(name);
  const resolve4 = (raw, line, what, scope) => {
    if (!raw.includes("$"))
      return raw;
    const result = interpolate(raw, lookupIn(scope), syntax);
    if (result.errors.length > 0) {
      finding("unresolved-variable", "error", `${what} '${raw}' in ${where2(line)}: ${result.errors.join("; ")}`, line);
      return void 0;
    }
    if (result.missing.length === 0) {
      if (result.value.trim() !== "" || raw.trim() === "")
        return result.value;
      finding("unresolved-variable", "error", `${what} '${raw}' in ${where2(line)} is empty once its variables are substituted`, line, "Give the ARG a non-empty default or pass it as a build arg");
      return void 0;
    }
    const names = result.missing.map((name) => `\${${name}}`).join(", ");
    const declare = `declare it with a default (ARG ${result.missing[0]}=\u2026) before the first FROM, or pass it as a build arg`;
    const lower = result.value.toLowerCase();
    const usable = result.value !== "" && (lower === "scratch" || allStageNames.has(lower) || "ref" in tryParseReference(result.value));
    if (!usable) {
      finding("unresolved-variable", "error", `${what} '${raw}' in ${where2(line)} uses ${names} with no value; as an empty string it gives '${result.value}', which is not an image reference`, line, `Give ${result.missing[0]} a value: ${declare}`);
      return void 0;
    }
    finding("unresolved-variable", "warning", `${what} '${raw}' in ${where2(line)} uses ${names}, which is not set: it is an empty string, as in docker build, giving '${result.value}'`, line, `If that is not the image you mean, ${declare}`);
    return result.value;
  };
  const declareArgs = (instruction, scope, inherited) => {
    for (const { name, value } of instruction.properties) {
      let resolved;
      if (Object.prototype.hasOwnProperty.call(buildArgs, name))
        resolved = buildArgs[name];
      else if (value !== null)
        resolved = value.includes("$") ? interpolate(value, lookupIn(scope), syntax).value : value;
      else if (inherited?.has(name))
        resolved = inherited.get(name);
      scope.set(name, resolved);
    }
  };
  const earlierStageByName = (name) => {
    const lower = name.toLowerCase();
    for (let i = stages.length - 1; i >= 0; i -= 1)
      if (stages[i]?.name === lower)
        return i;
    return void 0;
  };
  const imageOrContext = (resolved, source, range, line, stage, platform) => {
    const context = contexts.size === 0 ? void 0 : contexts.get(contextKey(resolved));
    if (context?.kind === "service") {
      stages[stage]?.services.add(context.service);
      return;
    }
    if (context?.kind === "other")
      return;
    if (context === void 0 && resolved.toLowerCase() === "scratch")
      return;
    const text2 = context?.kind === "image" ? context.reference : resolved;
    const span = context === void 0 ? range : { start: range.start, end: range.start };
    occurrences.push({ source, text: text2, origin: at(line), ...platform !== void 0 && { platform }, ...span, stage });
  };
  const classifyFrom = (value, range, line, source) => {
    const current = stages.length - 1;
    const what = source === "copy-from" ? "COPY --from" : "RUN --mount from";
    const scope = value.includes("$") ? new Map([...globalArgs, ...stageArgs]) : stageArgs;
    const resolved = resolve4(value, line, what, scope);
    if (resolved === void 0)
      return;
    const selfReference = () => finding("invalid-reference", "error", `${what}=${value} in ${where2(line)} names the stage it is part of (${stages[current]?.name ?? `stage ${current}`}); docker reports a circular dependency`, line, "Copy from an earlier stage, or name the image instead");
    if (/^\d+$/.test(resolved)) {
      const index = Number(resolved);
      if (index >= stageCount) {
        finding("invalid-reference", "error", `${where2(line)} refers to stage ${index}, but the file has stages 0 to ${stageCount - 1}`, line, "Use the name or index of a stage (FROM \u2026 AS name)");
        return;
      }
      if (index === current)
        return selfReference();
      stages[current]?.dependsOn.add(index);
      return;
    }
    const stageIndex = allStageNames.get(resolved.toLowerCase());
    if (stageIndex !== void 0) {
      if (stageIndex === current)
        return selfReference();
      stages[current]?.dependsOn.add(stageIndex);
      return;
    }
    imageOrContext(resolved, source, range, line, current);
  };
  for (const instruction of dockerfile.instructions) {
    const { keyword, line } = instruction;
    if (keyword === "ARG") {
      if (!seenFrom)
        declareArgs(instruction, globalArgs);
      else
        declareArgs(instruction, stageArgs, globalArgs);
      continue;
    }
    if (keyword === "FROM") {
      seenFrom = true;
      stageArgs.clear();
      const args = instruction.args;
      const flags = instruction.flags;
      const imageArgument = args[0];
      const stage = { dependsOn: /* @__PURE__ */ new Set(), services: /* @__PURE__ */ new Set() };
      const alias = parseAlias(args, where2(line), at(line), findings);
      if (alias !== void 0)
        stage.name = alias.toLowerCase();
      const index = stages.length;
      if (imageArgument === void 0) {
        finding("invalid-reference", "error", `FROM without an image in ${where2(line)}`, line, "Write FROM <image>[:tag] [AS <name>]");
        stages.push(stage);
        continue;
      }
      const range = { start: imageArgument.start, end: imageArgument.end };
      const replacing = stage.name === void 0 || contexts.size === 0 ? void 0 : contexts.get(contextKey(stage.name));
      if (replacing !== void 0) {
        stages.push(stage);
        imageOrContext(stage.name, "from", { start: range.start, end: range.start }, line, index);
        continue;
      }
      const resolved = resolve4(imageArgument.value, line, "FROM", globalArgs);
      const platform = platformOf(flags, globalArgs, syntax);
      stages.push(stage);
      if (resolved !== void 0) {
        const earlier = earlierStageByName(resolved);
        if (earlier !== void 0 && earlier < index)
          stage.dependsOn.add(earlier);
        else
          imageOrContext(resolved, "from", range, line, index, platform);
      }
      continue;
    }
    if (!seenFrom)
      continue;
    if (keyword === "COPY" || keyword === "ADD") {
      for (const flag of instruction.flags) {
        if (flag.name.toLowerCase() !== "from")
          continue;
        const { value, valueRange } = flag;
        if (value === null || value === "" || valueRange === null) {
          finding("invalid-reference", "error", `${keyword} --from without a value in ${where2(line)}`, line);
          continue;
        }
        classifyFrom(value, valueRange, line, "copy-from");
      }
    } else if (keyword === "RUN") {
      for (const flag of instruction.flags) {
        if (flag.name.toLowerCase() !== "mount")
          continue;
        for (const option of flag.options) {
          const { value, valueRange } = option;
          if (option.name.toLowerCase() !== "from" || value === null || valueRange === null)
            continue;
          classifyFrom(value, valueRange, line, "mount-from");
        }
      }
    }
  }
  if (stages.length === 0 && findings.length === 0) {
    finding("invalid-file", "warning", `${file} has no FROM instruction, so it names no base image`, 1);
  }
  return { occurrences, stages, findings };
}
function stagesToBuild(analysis, options) {
  const all = new Set(analysis.stages.map((_, index) => index));
  if (options.target === void 0)
    return { stages: all, findings: [] };
  const target = options.target.toLowerCase();
  const start = analysis.stages.findIndex((stage) => stage.name === target);
  if (start < 0) {
    const names = analysis.stages.map((stage) => stage.name).filter((name) => name !== void 0);
    return {
      stages: all,
      findings: [
        {
          kind: "invalid-reference",
          severity: "error",
          message: `Build target '${options.target}' is not a stage of ${options.file} (stages: ${names.length > 0 ? names.join(", ") : "none named"}); every stage was scanned`,
          ...options.originOf?.(1) ?? { file: options.file }
        }
      ]
    };
  }
  const wanted = /* @__PURE__ */ new Set();
  const pending = [start];
  while (pending.length > 0) {
    const index = pending.pop();
    if (wanted.has(index))
      continue;
    wanted.add(index);
    for (const dependency of analysis.stages[index]?.dependsOn ?? [])
      pending.push(dependency);
  }
  return { stages: wanted, findings: [] };
}
function parseAlias(args, where2, origin, findings) {
  if (args.length <= 1)
    return void 0;
  const keyword = args[1]?.value;
  const name = args[2]?.value;
  if (args.length === 3 && keyword?.toLowerCase() === "as" && name !== void 0 && /^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name))
    return name;
  findings.push({
    kind: "invalid-reference",
    severity: "warning",
    message: `Unexpected text after the image in FROM at ${where2}: '${args.slice(1).map((arg) => arg.value).join(" ")}' (expected AS <name>)`,
    ...origin
  });
  return void 0;
}
function platformOf(flags, globalArgs, syntax) {
  const flag = flags.find((candidate) => candidate.name.toLowerCase() === "platform");
  const value = flag?.value;
  if (value === null || value === void 0)
    return void 0;
  if (!value.includes("$"))
    return value;
  const result = interpolate(value, (name) => PLATFORM_ARGS.has(name) ? void 0 : globalArgs.get(name), syntax);
  if (result.errors.length > 0 || result.missing.length > 0)
    return void 0;
  return result.value;
}

// lib/extract/inventory.js
function buildInventory(input) {
  const templates = new TemplateRenderer({
    env: input.env,
    envFiles: input.envFiles,
    readFile: input.readFile,
    ...input.templateDefaults !== void 0 && { templateDefaults: input.templateDefaults }
  });
  const read = templates.readFile;
  const composeOptions = { ...input, readFile: read };
  const references = [];
  const findings = [];
  const scannedFiles = /* @__PURE__ */ new Set();
  const dockerfilesBuiltByCompose = /* @__PURE__ */ new Set();
  const explained = /* @__PURE__ */ new Set();
  const defaultPlatforms = [.../* @__PURE__ */ new Set([nativePlatform(), ...input.platforms ?? []])];
  const projects = [];
  const scannedBuilds = /* @__PURE__ */ new Map();
  const needsOf = [];
  const loaded = input.composeProjects.map((files) => loadComposeProject(files, composeOptions));
  for (const project of loaded) {
    projects.push(project);
    project.files.forEach((file) => scannedFiles.add(file));
    if (isOnlyIncluded(project, loaded))
      continue;
    findings.push(...project.findings);
    const imageOfService = new Map(project.services.map((service) => [service.name, service.image?.text ?? (service.build !== void 0 ? defaultServiceImageName(project.name, service.name) : void 0)]));
    for (const service of project.services) {
      if (service.build === void 0) {
        if (service.image !== void 0) {
          references.push({
            kind: "base",
            text: service.image.text,
            origin: service.image.origin,
            source: "compose-image",
            service: service.name,
            ...service.platform !== void 0 && { platform: service.platform }
          });
        }
        continue;
      }
      const spec = buildSpecOf(service.build);
      references.push({
        kind: "service",
        text: service.image?.text ?? defaultServiceImageName(project.name, service.name),
        origin: service.image?.origin ?? service.build.origin,
        source: "compose-build",
        service: service.name,
        build: spec,
        ...service.platform !== void 0 && { platform: service.platform }
      });
      const contextImages = {};
      for (const [name, value] of Object.entries(service.build.additionalContexts ?? {})) {
        const context = classifyContext(value);
        const text = context.kind === "image" ? context.reference : context.kind === "service" ? imageOfService.get(context.service) : void 0;
        if (context.kind === "service" && text === void 0) {
          findings.push({
            kind: "invalid-reference",
            severity: "error",
            message: `Build context '${name}' of service '${service.name}' names service '${context.service}', which the project does not define or which has no image`,
            ...service.build.additionalContextOrigins?.[name] ?? service.build.origin
          });
        }
        if (text === void 0)
          continue;
        if (context.kind === "image") {
          references.push({ kind: "base", text, origin: service.build.additionalContextOrigins?.[name] ?? service.build.origin, source: "compose-image", service: service.name });
        }
        const parsed = tryParseReference(text);
        if ("ref" in parsed)
          contextImages[name] = formatReference(parsed.ref);
      }
      if (Object.keys(contextImages).length > 0)
        spec.contextImages = contextImages;
      if (service.build.notScanned !== void 0)
        continue;
      const dockerfile = dockerfileOf(service.build, read);
      if (dockerfile === void 0) {
        const refused = input.refusal?.(service.build.dockerfile);
        if (refused !== void 0)
          explained.add(service.build.dockerfile);
        findings.push({
          kind: "invalid-file",
          severity: "error",
          message: `Service '${service.name}' builds from ${service.build.dockerfile}, which ${refused ?? "does not exist or cannot be read"}`,
          file: service.build.origin.file,
          line: service.build.origin.line,
          suggestion: `Fix build.context/build.dockerfile of service '${service.name}'`
        });
        continue;
      }
      if (dockerfile.template !== void 0) {
        spec.template = dockerfile.template;
        spec.dockerfileInline = dockerfile.text;
      }
      if (dockerfile.file !== void 0) {
        dockerfilesBuiltByCompose.add(dockerfile.file);
        scannedFiles.add(dockerfile.file);
      }
      const label = dockerfile.file ?? service.build.origin.file;
      const platforms = spec.platforms ?? (service.platform !== void 0 ? [service.platform] : defaultPlatforms);
      const buildKey = JSON.stringify([
        dockerfile.file ?? `${service.build.origin.file}#${service.name}`,
        spec.target ?? "",
        Object.entries(spec.args).sort(),
        Object.entries(service.build.additionalContexts ?? {}).sort(),
        platforms
      ]);
      let scan = scannedBuilds.get(buildKey);
      if (scan === void 0) {
        scan = extractDockerfile(dockerfile.text, {
          file: label,
          buildArgs: spec.args,
          platforms,
          ...spec.target !== void 0 && { target: spec.target },
          ...service.build.additionalContexts !== void 0 && { contexts: service.build.additionalContexts },
          ...service.build.inline !== void 0 && { originOf: service.build.inline.originOf }
        });
        scannedBuilds.set(buildKey, scan);
        references.push(...scan.references);
        findings.push(...scan.findings);
      }
      needsOf.push({ spec, texts: scan.targetNeeds });
    }
  }
  for (const file of input.dockerfiles) {
    if (dockerfilesBuiltByCompose.has(file))
      continue;
    const text = read(file);
    if (text === void 0) {
      findings.push({ kind: "invalid-file", severity: "warning", message: `Could not read ${file}; it was not scanned`, file });
      continue;
    }
    scannedFiles.add(file);
    const scan = extractDockerfile(text, { file, platforms: defaultPlatforms });
    references.push(...scan.references);
    findings.push(...scan.findings);
  }
  findings.push(...staleRenderedFiles(input, projects, read));
  const kept = [];
  const namedInErrors = /* @__PURE__ */ new Set();
  for (const reference of references) {
    const unset = reference.text.includes("__image_mirror_unset_") ? unsetPlaceholders(reference.text) : [];
    if (unset.length === 0) {
      kept.push(reference);
      continue;
    }
    unset.forEach((name) => namedInErrors.add(name));
    const names = unset.map((name) => name === "expression" ? "a template expression" : `{{${name}}}`).join(", ");
    findings.push({
      kind: "unresolved-variable",
      severity: "error",
      message: `The image at ${reference.origin.file}:${reference.origin.line}${reference.service !== void 0 ? ` (service '${reference.service}')` : ""} uses ${names}, which has no value (looked in ${templates.lookedIn(reference.origin.file).join(", ")}); it is not in the inventory`,
      file: reference.origin.file,
      line: reference.origin.line,
      suggestion: `Set ${unset[0] === "expression" ? "the value" : unset[0]} in the environment, an env-file input, .env, or the template-defaults file (.env.example)`
    });
  }
  findings.push(...templates.findings());
  for (const { file, name, lines, lookedIn } of templates.unresolved()) {
    if (namedInErrors.has(name))
      continue;
    findings.push({
      kind: "unresolved-variable",
      severity: "warning",
      message: `Placeholder {{${name}}} in ${file} has no value (looked in ${lookedIn.join(", ")}); it names no image, so the inventory is complete`,
      file,
      line: lines[0],
      suggestion: `Set ${name} in the environment, an env-file input, .env or the template-defaults file`
    });
  }
  const normalised = normaliseReferences(kept);
  const sourceOf = /* @__PURE__ */ new Map();
  for (const { spec, texts } of needsOf) {
    const sources = texts.flatMap((text) => {
      if (!sourceOf.has(text)) {
        const parsed = tryParseReference(text);
        sourceOf.set(text, "ref" in parsed ? formatReference(parsed.ref) : void 0);
      }
      const source = sourceOf.get(text);
      return source === void 0 ? [] : [source];
    });
    spec.needs = [...new Set(sources)].sort();
  }
  return {
    images: normalised.images,
    findings: [...findings, ...normalised.findings],
    files: [...scannedFiles].sort(),
    projects,
    explained: [...explained]
  };
}
function isOnlyIncluded(project, all) {
  const within = (inner, outer) => inner.inputs.length > 0 && inner.inputs.every((file) => outer.included.includes(file));
  return all.some((other) => other !== project && within(project, other) && !within(other, project));
}
function buildSpecOf(build) {
  const spec = {
    context: build.context,
    dockerfile: build.dockerfile,
    args: build.args,
    ...build.target !== void 0 && { target: build.target },
    ...build.inline !== void 0 && { dockerfileInline: build.inline.text }
  };
  const copied = ["platforms", "secrets", "ssh", "additionalContexts", "cacheFrom", "cacheTo", "labels", "network", "extraHosts", "shmSize", "tags", "otherKeys"];
  for (const key of copied) {
    const value = build[key];
    if (value !== void 0)
      spec[key] = value;
  }
  return spec;
}
function dockerfileOf(build, read) {
  if (build.inline !== void 0)
    return { text: build.inline.text };
  const text = read(build.dockerfile);
  if (text !== void 0)
    return { text, file: build.dockerfile, ...isTemplate(build.dockerfile) && { template: build.dockerfile } };
  for (const suffix of TEMPLATE_SUFFIXES) {
    const template = `${build.dockerfile}${suffix}`;
    const rendered = read(template);
    if (rendered !== void 0)
      return { text: rendered, file: template, template };
  }
  return void 0;
}
function staleRenderedFiles(input, projects, read) {
  const findings = [];
  const notice = (rendered, template, renderedImages, templateImages, origin) => {
    const only = (a, b) => a.filter((item) => !b.includes(item));
    const stale = only(renderedImages, templateImages);
    const fresh = only(templateImages, renderedImages);
    findings.push({
      kind: "scan-note",
      severity: "notice",
      message: `${rendered} is stale: it names ${stale.length > 0 ? stale.join(", ") : "fewer images"} where its template ${template} renders ${fresh.length > 0 ? fresh.join(", ") : "fewer images"}; both are in the inventory`,
      ...origin,
      suggestion: `Render ${rendered} again from ${template}, or delete it if the template is what is built`
    });
  };
  const imagesOfDockerfile = (text, file) => [...new Set(extractDockerfile(text, { file }).references.map((reference) => normalisedText(reference.text)))].sort();
  const dockerfiles = new Set(input.dockerfiles);
  for (const template of input.dockerfiles) {
    const rendered = renderedPath(template);
    if (rendered === void 0 || !dockerfiles.has(rendered))
      continue;
    const renderedText = input.readFile(rendered);
    const templateText = read(template);
    if (renderedText === void 0 || templateText === void 0)
      continue;
    const a = imagesOfDockerfile(renderedText, rendered);
    const b = imagesOfDockerfile(templateText, template);
    if (JSON.stringify(a) !== JSON.stringify(b))
      notice(rendered, template, a, b, { file: rendered, line: 1 });
  }
  const byFirstFile = new Map(projects.filter((project) => project.inputs.length > 0).map((project) => [project.inputs.join("\0"), project]));
  for (const project of projects) {
    const rendered = project.inputs.map((file) => renderedPath(file));
    if (rendered.length === 0 || rendered.some((file) => file === void 0))
      continue;
    const twin = byFirstFile.get(rendered.join("\0"));
    if (twin === void 0)
      continue;
    const images = (p) => [...new Set(p.services.flatMap((service) => service.image !== void 0 ? [`${service.name}=${normalisedText(service.image.text)}`] : []))].sort();
    const a = images(twin);
    const b = images(project);
    if (JSON.stringify(a) !== JSON.stringify(b))
      notice(twin.inputs[0], project.inputs[0], a, b, { file: twin.inputs[0], line: 1 });
  }
  return findings;
}
function normalisedText(text) {
  const parsed = tryParseReference(text);
  return "ref" in parsed ? formatReference(parsed.ref) : text;
}
function normaliseReferences(references) {
  const findings = [];
  const bySource = /* @__PURE__ */ new Map();
  const parsedTexts = /* @__PURE__ */ new Map();
  for (const reference of references) {
    let known = parsedTexts.get(reference.text);
    if (known === void 0) {
      const result = tryParseReference(reference.text);
      known = "ref" in result ? { parsed: result, source: formatReference(result.ref) } : { parsed: result };
      parsedTexts.set(reference.text, known);
    }
    const { parsed } = known;
    if ("error" in parsed) {
      findings.push({
        kind: "invalid-reference",
        severity: "error",
        message: `${parsed.error.message}${reference.service !== void 0 ? ` (service '${reference.service}')` : ""}`,
        file: reference.origin.file,
        line: reference.origin.line
      });
      continue;
    }
    const source = known.source;
    const existing = bySource.get(source);
    if (existing === void 0) {
      bySource.set(source, {
        kind: reference.kind,
        source,
        ref: parsed.ref,
        origins: [reference.origin],
        ...reference.build !== void 0 && { build: reference.build },
        ...reference.platform !== void 0 && { platforms: [reference.platform] },
        ...reference.frontend === true && { frontend: true }
      });
      continue;
    }
    existing.origins.push(reference.origin);
    if (reference.kind === "service")
      existing.kind = "service";
    if (reference.build !== void 0 && existing.build === void 0)
      existing.build = reference.build;
    if (reference.platform !== void 0)
      existing.platforms = [.../* @__PURE__ */ new Set([...existing.platforms ?? [], reference.platform])];
    if (reference.frontend !== true)
      delete existing.frontend;
  }
  const images = [...bySource.values()];
  for (const image of images)
    image.origins = uniqueOrigins(image.origins);
  images.sort((a, b) => a.kind !== b.kind ? a.kind === "base" ? -1 : 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
  return { images, findings };
}
function uniqueOrigins(origins) {
  const seen = /* @__PURE__ */ new Map();
  for (const origin of origins)
    seen.set(`${origin.file}\0${origin.line}`, origin);
  return [...seen.values()].sort((a, b) => a.file !== b.file ? a.file < b.file ? -1 : 1 : a.line - b.line);
}

// lib/plan/shard.js
function assignShards(images, count) {
  const shards = Array.from({ length: count }, () => []);
  const groups = /* @__PURE__ */ new Map();
  for (const image of images) {
    const key = repositoryName(image.ref);
    groups.set(key, [...groups.get(key) ?? [], image]);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, group] of ordered) {
    let lightest = 0;
    for (let i = 1; i < count; i += 1)
      if ((shards[i]?.length ?? 0) < (shards[lightest]?.length ?? 0))
        lightest = i;
    shards[lightest]?.push(...group);
  }
  return shards;
}
function selectShard(images, index, count) {
  return assignShards(images, count)[index - 1] ?? [];
}
function matrixOutput(images, count) {
  const shards = assignShards(images, count);
  const names = shards.flatMap((shard, i) => shard.length > 0 || i === 0 ? [`${i + 1}/${count}`] : []);
  return JSON.stringify({ shard: names });
}

// lib/plan/jobs.js
import * as path7 from "node:path";
function planJobs(plan, options) {
  const set = { mirror: [], build: [], verify: [], blocked: [], findings: [] };
  const baseTargets = /* @__PURE__ */ new Map();
  const serviceTargets = /* @__PURE__ */ new Map();
  for (const image of plan.images) {
    if (image.mapping !== "mapped" || image.target === null)
      continue;
    (image.kind === "base" ? baseTargets : serviceTargets).set(image.source, targetOf(image));
  }
  for (const image of plan.images) {
    if (image.mapping !== "mapped" || image.target === null)
      continue;
    const target = targetOf(image);
    if (image.kind === "base") {
      if (image.source === image.target) {
        set.findings.push({
          kind: "excluded",
          severity: options.platforms.length > 0 ? "warning" : "notice",
          message: `${familiarName(image.ref)} is already in the target registry; it is verified, never copied onto itself${options.platforms.length > 0 ? " (copying it with platforms would overwrite it with fewer platforms)" : ""}`,
          image: image.source,
          ...image.origins[0] !== void 0 && { file: image.origins[0].file, line: image.origins[0].line }
        });
      } else {
        set.mirror.push({ kind: "mirror", image: image.source, source: image.ref, target });
      }
    } else {
      const job = buildJob(image, target, { baseTargets, serviceTargets }, options, set.findings);
      if ("failure" in job)
        set.blocked.push(job);
      else {
        set.build.push(job);
        if (job.ignoredKeys.length > 0) {
          set.findings.push({
            kind: "scan-note",
            severity: "warning",
            message: `${familiarName(target)}: the build ignores the compose build key${job.ignoredKeys.length === 1 ? "" : "s"} ${job.ignoredKeys.join(", ")} (${BUILDER_NAMES[options.builder?.kind ?? "legacy"]} cannot honour ${job.ignoredKeys.length === 1 ? "it" : "them"})`,
            image: image.source,
            ...image.origins[0] !== void 0 && { file: image.origins[0].file, line: image.origins[0].line }
          });
        }
      }
    }
    set.verify.push({ kind: "verify", image: image.source, target, source: image.ref, imageKind: image.kind });
  }
  return set;
}
function selectJobs(jobs, mode, images) {
  const phases = phasesOf(mode);
  const inShard = (job) => images === void 0 || images.has(job.image);
  return {
    mirror: phases.includes("mirror") ? jobs.mirror.filter(inShard) : [],
    build: phases.includes("build") ? jobs.build.filter(inShard) : [],
    verify: phases.includes("verify") ? jobs.verify.filter(inShard) : [],
    blocked: jobs.blocked.filter((job) => inShard(job) && phases.includes(job.phase)),
    findings: jobs.findings.filter((finding) => finding.image === void 0 || images === void 0 || images.has(finding.image))
  };
}
function phasesOf(mode) {
  switch (mode) {
    case "mirror":
      return ["mirror"];
    case "build":
      return ["build", "push"];
    case "verify":
      return ["verify"];
    case "all":
      return ["mirror", "build", "push", "verify"];
    default:
      return [];
  }
}
function targetOf(image) {
  return image.targetRef ?? parseReference(image.target);
}
function buildJob(image, target, targets, options, findings) {
  const blocked = (message) => ({ image: image.source, phase: "build", failure: { kind: "unsupported", side: "local", phase: "build", message } });
  const spec = image.build;
  if (spec === void 0)
    return blocked(`${familiarName(target)} has no build section (context and Dockerfile)`);
  if (options.builder?.problem !== void 0)
    return blocked(`${familiarName(target)} is not built: ${options.builder.problem}`);
  const features = BUILDER_FEATURES[options.builder?.kind ?? "legacy"];
  const context = path7.resolve(options.root, spec.context);
  let realContext;
  try {
    realContext = options.readFile(context).realPath;
  } catch {
    realContext = context;
  }
  if (!isInside(realContext, options.workspace))
    return blocked(`the build context ${spec.context} is outside the workspace; it is not built`);
  let original;
  if (spec.dockerfileInline !== void 0) {
    original = spec.dockerfileInline;
  } else {
    let dockerfile;
    try {
      dockerfile = options.readFile(path7.resolve(options.root, spec.dockerfile));
    } catch (error) {
      return blocked(`could not read ${spec.dockerfile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isInside(dockerfile.realPath, options.workspace))
      return blocked(`${spec.dockerfile} is outside the workspace; it is not built`);
    original = dockerfile.text;
  }
  const ignored = [];
  const contexts = features.namedContexts ? namedContexts(spec, targets, options, ignored) : void 0;
  if (!features.namedContexts && Object.keys(spec.additionalContexts ?? {}).length > 0)
    ignored.push("additional_contexts");
  if (contexts === null)
    return blocked(`a build context of ${familiarName(target)} (additional_contexts) is outside the workspace; it is not built`);
  const platforms = spec.platforms ?? [];
  const builds = options.builder?.kind === "buildx";
  let platformsUsed = [];
  if (platforms.length === 1)
    platformsUsed = platforms;
  else if (platforms.length > 1) {
    if (features.multiPlatform && options.push)
      platformsUsed = platforms;
    else
      ignored.push(features.multiPlatform ? "platforms (more than one: only a build that pushes can keep them)" : "platforms (more than one)");
  }
  let text = original;
  const pullsFrom = /* @__PURE__ */ new Set();
  const mirrored = (reference) => {
    const parsed = tryParseReference(reference);
    return "ref" in parsed ? targets.baseTargets.get(formatReference(parsed.ref)) : void 0;
  };
  if (options.useMirroredBases && targets.baseTargets.size > 0) {
    const rewritten = rewriteDockerfileImages(original, (reference) => {
      const to = mirrored(reference);
      if (to === void 0)
        return void 0;
      pullsFrom.add(to.registry);
      return familiarName(to);
    }, {
      file: spec.dockerfile,
      buildArgs: spec.args,
      // The legacy builder sets no platform args.
      platforms: platformsUsed,
      platformArgs: (options.builder?.kind ?? "legacy") !== "legacy",
      ...spec.target !== void 0 && { target: spec.target },
      // A stage named after a context the build passes comes from that context, not from a registry.
      ...contexts !== void 0 && spec.additionalContexts !== void 0 && { contexts: spec.additionalContexts }
    });
    text = rewritten.text;
    findings.push(...rewritten.notes);
    for (const value of Object.values(contexts ?? {})) {
      const to = value.startsWith("docker-image://") ? tryParseReference(value.slice("docker-image://".length)) : void 0;
      if (to !== void 0 && "ref" in to)
        pullsFrom.add(to.ref.registry);
    }
  }
  let network = spec.network ?? options.buildNetwork;
  if (network !== void 0 && !features.namedNetworks && !["default", "host", "none"].includes(network)) {
    ignored.push(`network ${network} (BuildKit builds on default, host or none)`);
    network = void 0;
  }
  const cacheFrom = cacheSources(spec.cacheFrom ?? [], features, ignored);
  if ((spec.cacheTo?.length ?? 0) > 0 && !features.cacheExport)
    ignored.push("cache_to");
  if (spec.shmSize !== void 0 && !features.shmSize)
    ignored.push("shm_size");
  const ssh = features.secretsAndSsh ? sshEntries(spec.ssh ?? [], options, ignored) : [];
  if ((spec.ssh?.length ?? 0) > 0 && !features.secretsAndSsh)
    ignored.push("ssh");
  const secretList = spec.secrets ?? [];
  const undefinedSecret = secretList.find((secret) => secret.unusable === "undefined");
  if (undefinedSecret !== void 0) {
    return blocked(`the build secret '${undefinedSecret.name}' (${where(undefinedSecret, options)}) has no top-level secrets: definition (compose refuses such a project); ${familiarName(target)} is not built`);
  }
  let secrets = [];
  if (secretList.length > 0 && !features.secretsAndSsh)
    ignored.push("secrets");
  else if (secretList.length > 0) {
    const passed = buildSecrets(secretList, image, target, options, findings);
    if (typeof passed === "string")
      return blocked(passed);
    secrets = passed;
  }
  if ((spec.tags?.length ?? 0) > 0)
    ignored.push("tags");
  ignored.push(...spec.otherKeys ?? []);
  return {
    kind: "build",
    image: image.source,
    target,
    dockerfilePath: spec.dockerfile,
    command: {
      context,
      dockerfile: text,
      tags: [target],
      ...spec.target !== void 0 && { target: spec.target },
      args: spec.args,
      ...network !== void 0 && { network },
      ...platformsUsed.length > 0 && { platforms: platformsUsed },
      ...spec.labels !== void 0 && { labels: spec.labels },
      ...spec.extraHosts !== void 0 && { extraHosts: spec.extraHosts },
      ...spec.shmSize !== void 0 && features.shmSize && { shmSize: spec.shmSize },
      ...cacheFrom.length > 0 && { cacheFrom },
      ...features.cacheExport && spec.cacheTo !== void 0 && spec.cacheTo.length > 0 && { cacheTo: spec.cacheTo },
      ...ssh.length > 0 && { ssh },
      ...secrets.length > 0 && { secrets },
      ...contexts !== void 0 && Object.keys(contexts).length > 0 && { contexts },
      ...options.builder !== void 0 && { builder: options.builder },
      ...builds && options.push && { push: true }
    },
    pullsFrom: [...pullsFrom].sort(),
    push: options.push,
    ignoredKeys: ignored
  };
}
function namedContexts(spec, targets, options, ignored) {
  const contexts = {};
  for (const [name, value] of Object.entries(spec.additionalContexts ?? {})) {
    const image = spec.contextImages?.[name];
    if (value.startsWith("docker-image://") || value.startsWith("service:")) {
      const to = image === void 0 ? void 0 : (options.useMirroredBases ? targets.baseTargets.get(image) : void 0) ?? targets.serviceTargets.get(image);
      if (to !== void 0)
        contexts[name] = `docker-image://${familiarName(to)}`;
      else if (value.startsWith("docker-image://"))
        contexts[name] = value;
      else
        ignored.push(`additional_contexts ${name} (service image not in the plan)`);
    } else if (value.includes("://") || /^(?:git@|github\.com\/)/.test(value)) {
      contexts[name] = value;
    } else {
      const directory = path7.resolve(options.root, value);
      if (!isInside(realPathOf(directory, options), options.workspace))
        return null;
      contexts[name] = directory;
    }
  }
  return contexts;
}
function cacheSources(entries, features, ignored) {
  if (features.cacheExport)
    return [...entries];
  const sources = [];
  for (const entry of entries) {
    if (!entry.includes("="))
      sources.push(entry);
    else {
      const fields = new Map(entry.split(",").map((field) => [field.slice(0, field.indexOf("=")), field.slice(field.indexOf("=") + 1)]));
      const ref = fields.get("ref");
      if (fields.get("type") === "registry" && ref !== void 0 && fields.size === 2)
        sources.push(ref);
      else
        ignored.push(`cache_from ${entry}`);
    }
  }
  return sources;
}
function sshEntries(entries, options, ignored) {
  const passed = [];
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals < 0) {
      passed.push(entry);
      continue;
    }
    const id = entry.slice(0, equals);
    const paths = entry.slice(equals + 1).split(",").map((file) => path7.resolve(options.root, file));
    if (paths.every((file) => isInside(realPathOf(file, options), options.workspace)))
      passed.push(`${id}=${paths.join(",")}`);
    else
      ignored.push(`ssh ${id} (its key is outside the workspace)`);
  }
  return passed;
}
var SECRET_ID = /^[^\s,="'\\]{1,256}$/;
var VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
function buildSecrets(secrets, image, target, options, findings) {
  const passed = [];
  const allowed = new Set(options.buildSecretEnv ?? []);
  for (const secret of secrets) {
    const at = where(secret, options);
    if (secret.unusable !== void 0)
      continue;
    if (!SECRET_ID.test(secret.id))
      return `the build secret '${secret.name}' (${at}) has the id '${secret.id}', which docker cannot take (no spaces, commas, quotes or '='); ${familiarName(target)} is not built`;
    if (secret.file !== void 0) {
      const refused = `the build secret '${secret.name}' (${at}) reads ${secret.file}, outside the workspace; ${familiarName(target)} is not built`;
      if (secret.file.startsWith("~"))
        return refused;
      let realPath;
      try {
        realPath = options.readFile(path7.resolve(options.root, secret.file)).realPath;
      } catch (error) {
        const missing = typeof error === "object" && error !== null && error.code === "ENOENT";
        const why = missing ? "which does not exist" : `which cannot be read (${error instanceof Error ? error.message : String(error)})`;
        return `the build secret '${secret.name}' (${at}) reads ${secret.file}, ${why}; ${familiarName(target)} is not built`;
      }
      if (!isInside(realPath, options.workspace))
        return refused;
      if (/[,"\n\r]/.test(realPath))
        return `the build secret '${secret.name}' (${at}) reads ${secret.file}, whose path docker cannot take (a comma, a quote or a line break); ${familiarName(target)} is not built`;
      passed.push({ id: secret.id, src: realPath, shownSrc: path7.relative(options.workspace, realPath).split(path7.sep).join("/") || "." });
    } else if (secret.environment !== void 0) {
      if (!VARIABLE_NAME.test(secret.environment)) {
        return `the build secret '${secret.name}' (${at}) names the variable '${secret.environment}', which is not a variable name; ${familiarName(target)} is not built`;
      }
      if (!allowed.has(secret.environment)) {
        findings.push({
          kind: "scan-note",
          severity: "warning",
          message: `${familiarName(target)}: the build secret '${secret.name}' reads the variable ${secret.environment}, which the build-secret-env input does not list; it is not passed to the build`,
          image: image.source,
          file: secret.origin.file,
          line: secret.origin.line,
          suggestion: `If this build should receive ${secret.environment}, list it in the build-secret-env input (build-secret-env: ${secret.environment}); a compose file alone never picks the runner's variables`
        });
        continue;
      }
      passed.push({ id: secret.id, env: secret.environment });
    }
  }
  return passed;
}
function where(secret, options) {
  const file = path7.relative(options.workspace, path7.resolve(options.root, secret.origin.file)).split(path7.sep).join("/");
  return `${file}:${secret.origin.line}`;
}
function realPathOf(file, options) {
  try {
    return options.readFile(file).realPath;
  } catch {
    return file;
  }
}
function isInside(file, directory) {
  const relative5 = path7.relative(directory, file);
  return relative5 === "" || !relative5.startsWith("..") && !path7.isAbsolute(relative5);
}

// lib/deploy/compose-output.js
import * as path8 from "node:path";
function renderDeploymentCompose(input) {
  const targetBySource = new Map(input.plan.images.map((image) => [image.source, image.target]));
  const files = /* @__PURE__ */ new Map();
  const findings = [];
  for (const project of input.projects) {
    const first = project.inputs[0];
    if (first === void 0)
      continue;
    const images = /* @__PURE__ */ new Map();
    const problems = [];
    for (const service of project.services) {
      const text = service.image?.text ?? (service.build !== void 0 ? defaultServiceImageName(project.name, service.name) : void 0);
      if (text === void 0)
        continue;
      const origin = service.image?.origin ?? service.build?.origin;
      const parsed = tryParseReference(text);
      const target = "ref" in parsed ? targetBySource.get(formatReference(parsed.ref)) : void 0;
      if (target === void 0 || target === null) {
        problems.push({
          kind: "unmapped",
          severity: "error",
          message: `compose-output: ${first} was not written because service '${service.name}' (${text}) has no target image`,
          ...origin !== void 0 && { file: origin.file, line: origin.line },
          suggestion: "Map the image (see the unmapped and invalid-reference findings), then run again"
        });
        continue;
      }
      images.set(service.name, target);
    }
    if (project.findings.some((finding) => finding.severity === "error")) {
      problems.push({
        kind: "invalid-file",
        severity: "error",
        message: `compose-output: ${first} was not written because it has errors (see the other findings)`,
        file: first
      });
    }
    if (problems.length > 0) {
      findings.push(...problems);
      continue;
    }
    for (const file of project.inputs) {
      if (files.has(file))
        continue;
      const text = project.texts.get(file);
      if (text === void 0)
        continue;
      const rewritten = rewriteComposeImages(text, images, file);
      findings.push(...rewritten.findings);
      files.set(file, { from: file, name: renderedPath(file) ?? file, text: rewritten.text });
    }
  }
  return { files: [...files.values()], findings };
}
function writeDeploymentCompose(input) {
  const { files, findings } = renderDeploymentCompose(input);
  const paths = [];
  for (const file of files) {
    const destination = files.length === 1 ? input.output : path8.join(input.output, file.name);
    try {
      writeOutputFile(destination, file.text, { allowedRoots: input.allowedRoots });
      paths.push(destination);
    } catch (error) {
      if (!(error instanceof OutputPathError))
        throw error;
      findings.push({ kind: "invalid-config", severity: "error", message: `compose-output: ${error.message}` });
    }
  }
  return { paths, findings };
}

// lib/pipeline.js
async function runPipeline(settings, progress, signal) {
  const outputs = {};
  const bundleStage = readsBundle(settings) || isBundleRun(settings) ? await import("./bundle-KSC262IW.js") : void 0;
  const bundle = await bundleStage?.openInputBundle(settings, progress);
  const reader = confinedReader(settings.root, { allowedOutside: [...settings.envFiles, ...settings.templateDefaults ?? []] });
  const compose = {
    readFile: reader.readFile,
    env: settings.env,
    envFiles: settings.envFiles.map((file) => path9.relative(settings.root, file).split(path9.sep).join("/")),
    rootDirectoryName: path9.basename(settings.root)
  };
  const { inventory, composeProjects } = await progress.group("Find images", async () => {
    const discovery = discoverFiles(settings.root, {
      composePatterns: settings.composeFiles,
      dockerfilePatterns: settings.dockerfiles,
      exclude: settings.exclude
    });
    if (discovery.composeFiles.length === 0 && discovery.dockerfiles.length === 0 && bundle === void 0)
      discovery.findings.push(nothingToScan(settings));
    const projects = groupComposeProjects(discovery.composeFiles);
    const { projects: loadedProjects, explained, ...found } = buildInventory({
      ...compose,
      composeProjects: projects,
      dockerfiles: discovery.dockerfiles,
      platforms: settings.platforms,
      refusal: reader.refusal,
      ...settings.templateDefaults !== void 0 && { templateDefaults: settings.templateDefaults.map((file) => path9.relative(settings.root, file).split(path9.sep).join("/")) }
    });
    const repeated = (finding) => finding.file !== void 0 && explained.includes(finding.file);
    const result = { ...found, findings: [...[...discovery.findings, ...reader.findings()].filter((finding) => !repeated(finding)), ...found.findings] };
    const bases = result.images.filter((image) => image.kind === "base").length;
    progress.info(`${plural(result.files.length, "file")} scanned: ${plural(bases, "base image")}, ${plural(result.images.length - bases, "service image")}, ${plural(result.findings.length, "finding")}`);
    return { inventory: result, composeProjects: loadedProjects };
  });
  const plan = bundle !== void 0 && inventory.files.length === 0 && bundleStage !== void 0 ? bundleStage.planFromBundle(bundle, settings) : planFor(inventory, settings);
  const shardImages = settings.shard === void 0 ? void 0 : new Set(selectShard(plan.images, settings.shard.index, settings.shard.count).map((image) => image.source));
  if (settings.shard !== void 0)
    progress.info(`Shard ${settings.shard.index}/${settings.shard.count}: ${plural(shardImages?.size ?? 0, "image")}`);
  if (settings.mode === "plan")
    outputs.matrix = matrixOutput(plan.images, settings.shards);
  const shownImages = shardImages === void 0 ? plan.images : plan.images.filter((image) => shardImages.has(image.source));
  const findings = [...plan.findings];
  if (settings.composeOutput !== void 0 && settings.registry !== void 0) {
    const written = writeDeploymentCompose({ plan, projects: composeProjects, output: settings.composeOutput, allowedRoots: settings.outputRoots });
    findings.push(...written.findings);
    if (written.paths.length > 0)
      outputs["compose-file"] = written.paths.join("\n");
  }
  let execution;
  if (bundleStage !== void 0 && isBundleRun(settings)) {
    execution = await bundleStage.executeBundle(plan, shownImages, bundle, settings, progress, signal, shardImages);
    findings.push(...execution.findings ?? []);
  } else if (settings.mode !== "plan" && settings.mode !== "check") {
    const builds = phasesOf(settings.mode).includes("build") && shownImages.some((image) => image.kind === "service" && image.mapping === "mapped");
    const builder = builds ? await detectMachineBuilder(settings, signal) : void 0;
    const jobs = selectJobs(planJobs(plan, {
      root: settings.root,
      workspace: settings.workspace,
      useMirroredBases: settings.useMirroredBases,
      push: settings.push,
      ...settings.buildNetwork !== void 0 && { buildNetwork: settings.buildNetwork },
      ...builder !== void 0 && { builder },
      platforms: settings.platforms,
      buildSecretEnv: settings.buildSecretEnv,
      readFile: readWorkspaceFile
    }), settings.mode, shardImages);
    findings.push(...jobs.findings);
    const { executeSettings } = await import("./run-QUTE3KLS.js");
    execution = await executeSettings({ ...plan, images: shownImages }, jobs, settings, progress, signal);
    findings.push(...execution.findings ?? []);
  }
  const report2 = buildReport({
    mode: settings.mode,
    ...settings.registry !== void 0 && { registry: settings.registry.text },
    ...settings.tag !== void 0 && { tag: settings.tag },
    dryRun: settings.dryRun,
    images: shownImages,
    findings,
    files: plan.files,
    ...execution !== void 0 && { results: execution.results },
    ...execution?.registries !== void 0 && { registries: execution.registries },
    ...execution?.cache !== void 0 && { cache: execution.cache },
    failOn: settings.failOn,
    // Report paths are relative to the repository root, not to the scanned path.
    pathPrefix: path9.relative(settings.workspace, settings.root).split(path9.sep).join("/"),
    ...settings.configFile !== void 0 && { configFile: displayPath(settings, settings.configFile) }
  });
  return { report: report2, outputs };
}
async function detectMachineBuilder(settings, signal) {
  const [{ detectBuilder }, { DockerCli }] = await Promise.all([import("./builder-CRC6NMM4.js"), import("./cli-74B3BKSC.js")]);
  return detectBuilder(new DockerCli(), {
    ...settings.builder !== void 0 && { name: settings.builder },
    ...settings.buildkit !== void 0 && { buildkit: settings.buildkit },
    ...signal !== void 0 && { signal }
  });
}
function planFor(inventory, settings) {
  if (settings.registry === void 0) {
    return { images: inventory.images.map((image) => ({ ...image, mapping: "unmapped", target: null })), findings: inventory.findings, files: inventory.files };
  }
  const loaded = settings.configFile === void 0 ? void 0 : loadMappingConfig(settings.configFile, displayPath(settings, settings.configFile));
  const plan = mapInventory({ ...inventory, findings: [...inventory.findings, ...loaded?.findings ?? []] }, {
    registry: { registry: settings.registry.registry, namespace: settings.registry.namespace },
    ...settings.tag !== void 0 && { tag: settings.tag },
    layout: settings.layout,
    layoutFromInput: settings.layoutFromInput,
    ...settings.flatSeparator !== void 0 && { flatSeparator: settings.flatSeparator },
    ...settings.strict !== void 0 && { strict: settings.strict },
    ...loaded !== void 0 && { config: loaded.config },
    ...settings.configFile !== void 0 && { configFile: displayPath(settings, settings.configFile) }
  });
  return plan;
}
function nothingToScan(settings) {
  const where2 = path9.relative(settings.workspace, settings.root).split(path9.sep).join("/") || ".";
  return {
    kind: "invalid-config",
    severity: "error",
    message: `Nothing to scan: no compose file and no Dockerfile under '${where2}'${settings.composeFiles.length + settings.dockerfiles.length > 0 ? ` matching the compose-files/dockerfiles patterns` : ""}`,
    suggestion: "Check out the repository first (actions/checkout), or point 'path' (and 'compose-files'/'dockerfiles') at the files to scan"
  };
}
function displayPath(settings, absolute) {
  return path9.relative(settings.root, absolute).split(path9.sep).join("/");
}
function readWorkspaceFile(absolutePath) {
  const realPath = fs3.realpathSync(absolutePath);
  const stat = fs3.statSync(realPath);
  if (stat.isFile() && stat.size > MAX_DOCKERFILE_BYTES)
    throw new Error(`it is larger than ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MiB`);
  return { realPath, text: stat.isFile() ? fs3.readFileSync(realPath, "utf8") : "" };
}
var MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

export {
  runPipeline
};
