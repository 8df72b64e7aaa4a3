package io.paybridge.salesforce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads the custom objects of the Salesforce DX project under {@code salesforce/} (source format:
 * {@code objects/<Object>/<Object>.object-meta.xml} and {@code objects/<Object>/fields/<Field>.field-meta.xml}).
 */
final class SalesforceMetadata {

    static final String METADATA_NS = "http://soap.sforce.com/2006/04/metadata";

    /** One {@code CustomField}, with the elements the checks need; absent elements are null or false. */
    record Field(String name, String type, String label, Integer length, Integer precision, Integer scale, boolean externalId, boolean unique, boolean caseSensitive, boolean required,
            Optional<String> defaultValue) {
    }

    /** One {@code CustomObject} and its fields by API name. */
    record SObject(String name, String label, String pluralLabel, String nameFieldType, String deploymentStatus,
            String sharingModel, Map<String, Field> fields) {
    }

    /** A {@code PermissionSet}: field -> editable, object -> [read, create, edit]. */
    record PermissionSet(String label, Map<String, Boolean> editableFields, Map<String, List<Boolean>> objects) {
    }

    private SalesforceMetadata() {
    }

    /** The {@code salesforce/} DX project: under the working directory or one of its parents. */
    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("salesforce/sfdx-project.json"))) {
                return p.resolve("salesforce");
            }
        }
        throw new IllegalStateException("no salesforce/sfdx-project.json above " + dir);
    }

    static Path defaultDir(Path projectRoot) {
        return projectRoot.resolve("force-app/main/default");
    }

    /** Every custom object of the project, by API name. */
    static Map<String, SObject> readObjects(Path projectRoot) {
        Path objectsDir = defaultDir(projectRoot).resolve("objects");
        Map<String, SObject> objects = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(objectsDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                SObject o = readObject(dir);
                objects.put(o.name(), o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    static SObject readObject(Path objectDir) {
        String name = objectDir.getFileName().toString();
        Element root = parse(objectDir.resolve(name + ".object-meta.xml"), "CustomObject");
        Element nameField = child(root, "nameField");
        Map<String, Field> fields = new TreeMap<>();
        Path fieldsDir = objectDir.resolve("fields");
        if (Files.isDirectory(fieldsDir)) {
            try (Stream<Path> files = Files.list(fieldsDir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".field-meta.xml")).sorted()
                        .toList()) {
                    Field f = readField(file);
                    fields.put(f.name(), f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SObject(name, text(root, "label"), text(root, "pluralLabel"),
                nameField == null ? null : text(nameField, "type"), text(root, "deploymentStatus"),
                text(root, "sharingModel"), fields);
    }

    static Field readField(Path file) {
        Element root = parse(file, "CustomField");
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".field-meta.xml".length());
        String fullName = text(root, "fullName");
        if (fullName != null && !fullName.equals(name)) {
            throw new IllegalStateException(file + ": fullName " + fullName + " does not match the file name");
        }
        return new Field(name, text(root, "type"), text(root, "label"), integer(root, "length"),
                integer(root, "precision"), integer(root, "scale"), bool(root, "externalId"), bool(root, "unique"),
                bool(root, "caseSensitive"), bool(root, "required"), Optional.ofNullable(text(root, "defaultValue")));
    }

    static PermissionSet readPermissionSet(Path projectRoot, String name) {
        Element root = parse(defaultDir(projectRoot).resolve("permissionsets/" + name + ".permissionset-meta.xml"),
                "PermissionSet");
        Map<String, Boolean> fields = new TreeMap<>();
        for (Element fp : children(root, "fieldPermissions")) {
            fields.put(text(fp, "field"), bool(fp, "editable") && bool(fp, "readable"));
        }
        Map<String, List<Boolean>> objects = new TreeMap<>();
        for (Element op : children(root, "objectPermissions")) {
            objects.put(text(op, "object"),
                    List.of(bool(op, "allowRead"), bool(op, "allowCreate"), bool(op, "allowEdit")));
        }
        return new PermissionSet(text(root, "label"), fields, objects);
    }

    private static Element parse(Path file, String rootName) {
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            Document doc = builder.parse(in);
            Element root = doc.getDocumentElement();
            if (!rootName.equals(root.getLocalName()) || !METADATA_NS.equals(root.getNamespaceURI())) {
                throw new IllegalStateException(file + ": root is {" + root.getNamespaceURI() + "}"
                        + root.getLocalName() + ", expected {" + METADATA_NS + "}" + rootName);
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName()) && METADATA_NS.equals(e.getNamespaceURI())) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        if (found.size() > 1) {
            throw new IllegalStateException("<" + name + "> occurs " + found.size() + " times in <"
                    + parent.getLocalName() + ">");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }

    private static Integer integer(Element parent, String name) {
        String t = text(parent, name);
        return t == null ? null : Integer.valueOf(t);
    }

    private static boolean bool(Element parent, String name) {
        String t = text(parent, name);
        if (t == null) {
            return false;
        }
        if (!t.equals("true") && !t.equals("false")) {
            throw new IllegalStateException("<" + name + "> is '" + t + "', not true or false");
        }
        return Boolean.parseBoolean(t);
    }
}
