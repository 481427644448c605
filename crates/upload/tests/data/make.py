"""Writes the hostile workbooks the upload tests read (run from this folder; the outputs are
checked in, so the tests need no Python). Each is a minimal but valid .xlsx."""
import zipfile

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def book(path, sheet_parts):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WB)
        z.writestr('xl/_rels/workbook.xml.rels', WBRELS)
        with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=path == 'bomb.xlsx') as f:
            for part in sheet_parts:
                f.write(part.encode())


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


# Only A1 and XFD1048576, with the range declared (1.5 KB; a dense reader allocates 17 billion cells).
book('corners.xlsx', [HEAD, '<dimension ref="A1:XFD1048576"/><sheetData>',
                      '<row r="1">', cell('A1', 'a'), '</row>',
                      '<row r="1048576">', cell('XFD1048576', 'z'), '</row>',
                      '</sheetData></worksheet>'])
# The same two cells with no declared range (the stream must refuse the far cell itself).
book('corners-undeclared.xlsx', [HEAD, '<sheetData>',
                                 '<row r="1">', cell('A1', 'a'), '</row>',
                                 '<row r="1048576">', cell('XFD1048576', 'z'), '</row>',
                                 '</sheetData></worksheet>'])


def bomb():
    yield HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    chunk = '0' * (1 << 20)
    for _ in range(1024):
        yield chunk
    yield '</t></is></c></row></sheetData></worksheet>'


# One cell of 1 GiB of zeros (about 1 MB packed).
book('bomb.xlsx', bomb())


def lying_bomb(path):
    """A sheet of 100 MiB of zeros whose headers (local and central) claim 1,000 bytes: a reader
    that trusts the declared size is fooled; one that counts what it inflates is not."""
    chunk = '0' * (1 << 20)
    parts = [HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'] + [chunk] * 100 + ['</t></is></c></row></sheetData></worksheet>']
    book(path, parts)
    data = bytearray(open(path, 'rb').read())
    name = b'xl/worksheets/sheet1.xml'
    real = sum(len(p.encode()) for p in parts)
    fake = (1000).to_bytes(4, 'little')
    # Local file header: signature PK\3\4, uncompressed size at offset 22.
    i = 0
    while True:
        i = data.find(b'PK\x03\x04', i)
        if i < 0:
            break
        if data[i + 30:i + 30 + len(name)] == name:
            assert int.from_bytes(data[i + 22:i + 26], 'little') in (real, 0xFFFFFFFF)
            data[i + 22:i + 26] = fake
        i += 4
    # Central directory header: signature PK\1\2, uncompressed size at offset 24.
    i = 0
    while True:
        i = data.find(b'PK\x01\x02', i)
        if i < 0:
            break
        if data[i + 46:i + 46 + len(name)] == name:
            data[i + 24:i + 28] = fake
        i += 4
    open(path, 'wb').write(bytes(data))


lying_bomb('bomb-lying.xlsx')
