/**
 * Editor code the five umodbus node types share: setting validators, the data type and byte
 * order lists, and the address tip that follows the function code. Each nodes/<type>.html loads it with
 *   <script src="resources/@umodbus/node-red/umodbus-editor.js"></script>
 * (Node-RED serves a package's resources/ folder there and runs the node's own script only once
 * it has loaded), so every node set works alone even when the others are disabled.
 */
(function () {
    'use strict';
    if (window.UmodbusEditor) { return; }

    var DATA_TYPES = ['uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'int64', 'uint64', 'string', 'bool'];
    var BYTE_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

    // A setting missing from an imported or hand-written flow (undefined) takes the runtime's
    // default, so it is valid; only what the user typed is checked.

    /** Integer in [min, max]; an empty field is fine too when `optional`. */
    function intIn(min, max, optional) {
        return function (v) {
            if (v === undefined || (optional && v === '')) { return true; }
            var n = Number(v);
            return String(v).trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
        };
    }

    /**
     * A decimal number in [min, max] (a time in ms, say); an empty field is fine too when
     * `optional`, and then the runtime's default applies. 0 is a value like any other.
     */
    function numberIn(min, max, optional) {
        return function (v) {
            if (v === undefined || (optional && v === '')) { return true; }
            var n = Number(v);
            return String(v).trim() !== '' && Number.isFinite(n) && n >= min && n <= max;
        };
    }

    /**
     * The integers of a list like "1, 2, 10-12", each up to max: an array, null when the list is
     * empty (it then means any), undefined when it is not such a list.
     */
    function parseIntList(v, max) {
        if (v === undefined || String(v).trim() === '') { return null; }
        var out = [];
        var ok = String(v).split(',').every(function (part) {
            var m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
            if (!m) { return false; }
            var from = Number(m[1]);
            var to = m[2] === undefined ? from : Number(m[2]);
            if (to > max || to < from) { return false; }
            for (var n = from; n <= to; n++) { out.push(n); }
            return true;
        });
        return ok ? out : undefined;
    }

    /** A list like "1, 2, 10-12" of integers up to max; empty means any. */
    function intList(max) {
        return function (v) { return parseIntList(v, max) !== undefined; };
    }

    /** Registers one value of `dataType` takes (a string's quantity counts registers). */
    function registersPer(dataType) {
        return { uint32: 2, int32: 2, float32: 2, float64: 4, int64: 4, uint64: 4 }[dataType] || 1;
    }

    /** How many values of `dataType` fit in one register read: the spec's 125 registers. */
    function maxRegisterValues(dataType) {
        return Math.floor(125 / registersPer(dataType));
    }

    /** A list like "3, 4, 16" whose every integer is one of `values`; empty means any. */
    function intListOf(values) {
        return function (v) {
            var list = parseIntList(v, Math.max.apply(null, values));
            return list === null || (list !== undefined && list.every(function (n) { return values.indexOf(n) >= 0; }));
        };
    }

    /** One of `values` (compared as numbers when they are numbers: function codes). */
    function oneOf(values) {
        return function (v) {
            if (v === undefined) { return true; }
            return values.indexOf(typeof values[0] === 'number' ? Number(v) : v) >= 0;
        };
    }

    /** A JSON object (the memory map); empty is fine. */
    function jsonObject(v) {
        if (v === undefined || String(v).trim() === '') { return true; }
        try {
            var o = JSON.parse(v);
            return typeof o === 'object' && o !== null && !Array.isArray(o);
        } catch {
            return false;
        }
    }

    /** Text that must not be blank, unless `skip` says the field is not used. */
    function textUnless(skip) {
        return function (v) { return skip.call(this) || v === undefined || (typeof v === 'string' && v.trim() !== ''); };
    }

    /**
     * Fill the data type and byte order selects of an open dialog and show the node's values.
     * Node-RED sets the inputs before oneditprepare, when these selects have no options yet.
     */
    function fillTypeSelects(node, prefix) {
        var type = $('#' + prefix + '-dataType').empty();
        DATA_TYPES.forEach(function (t) { $('<option>').val(t).text(t).appendTo(type); });
        type.val(node.dataType === undefined ? 'uint16' : node.dataType);
        var order = $('#' + prefix + '-byteOrder').empty();
        BYTE_ORDERS.forEach(function (o) { $('<option>').val(o).text(node._(node.type + '.byteOrder.' + o)).appendTo(order); });
        order.val(node.byteOrder === undefined ? 'ABCD' : node.byteOrder);
    }

    // The data model table each function code addresses, for the "40001 is address 0" tip:
    // Modbus documentation numbers each table from 1 with its own leading digit.
    var ADDRESS_TABLES = {
        1: 'coils', 5: 'coils', 15: 'coils',
        2: 'discreteInputs',
        4: 'inputRegisters',
        3: 'holdingRegisters', 6: 'holdingRegisters', 16: 'holdingRegisters', 22: 'holdingRegisters', 23: 'holdingRegisters'
    };

    /**
     * The tip key for addresses of these function codes: the table's when they all address one
     * table, 'any' when they span several or are any (null), 'other' when none addresses a table
     * (file records, FIFO queues).
     */
    function addressTipKey(fcs) {
        if (!fcs) { return 'any'; }
        var tables = [];
        fcs.forEach(function (fc) {
            var t = ADDRESS_TABLES[Number(fc)] || 'other';
            if (tables.indexOf(t) < 0) { tables.push(t); }
        });
        return tables.length === 1 ? tables[0] : 'any';
    }

    /** Show in `tip` (a jQuery element) the address tip for these function codes, in the node's language. */
    function showAddressTip(node, tip, fcs) {
        var key = addressTipKey(fcs);
        tip.attr('data-address-table', key).text(node._(node.type + '.tip.address.' + key));
    }

    window.UmodbusEditor = {
        DATA_TYPES: DATA_TYPES,
        BYTE_ORDERS: BYTE_ORDERS,
        intIn: intIn,
        numberIn: numberIn,
        parseIntList: parseIntList,
        intList: intList,
        intListOf: intListOf,
        maxRegisterValues: maxRegisterValues,
        oneOf: oneOf,
        jsonObject: jsonObject,
        textUnless: textUnless,
        fillTypeSelects: fillTypeSelects,
        addressTipKey: addressTipKey,
        showAddressTip: showAddressTip
    };
})();
