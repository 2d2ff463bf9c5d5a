console.log('netschema: not yet');
