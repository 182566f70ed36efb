module easel-helm-render

go 1.19
